# syntax=docker/dockerfile:1
# The GPU inference service: src/TtcFunctions built with the GPU flavour (Microsoft.ML.OnnxRuntime.Gpu, CUDA 13),
# started as the self-host with the inference role only (POST /v1/completions, POST /api/score, GET /api/health).
# The models are not in the image: mount them at /models (infra/main.bicep mounts the Azure Files share there).
# Build from the repository root (no local Docker needed with ACR):
#   az acr build -r <registry> -t ttc-inference:1 -f infra/docker/inference.Dockerfile .
#   docker build -f infra/docker/inference.Dockerfile -t ttc-inference .
# Run on a machine with an NVIDIA driver for CUDA 13:
#   docker run --gpus all -p 8080:8080 -v "$PWD/models:/models:ro" -e TTC_FUNCTION_KEY=secret ttc-inference

ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
# CUDA 13 runtime with cuDNN 9, what ONNX Runtime's CUDA execution provider loads.
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig host.json ./
COPY src/ src/
# Self-contained, so the CUDA image needs no .NET runtime of its own.
RUN dotnet publish src/TtcFunctions/TtcFunctions.csproj -c Release -p:OnnxRuntimeFlavor=gpu \
      -r linux-x64 --self-contained true -o /app

FROM ${CUDA_RUNTIME_IMAGE} AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3t64 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin ttc
WORKDIR /app
COPY --from=build --chown=root:root /app ./
ENV AzureFunctionsJobHost__ttc__executionProvider=cuda \
    AzureFunctionsJobHost__ttc__generator=/models/generator-small \
    AzureFunctionsJobHost__ttc__prm=/models/prm \
    DOTNET_NOLOGO=1
USER 10001
EXPOSE 8080
# Health: GET /api/health answers once the models are loaded (the start fails, naming the missing CUDA library or
# model file, when they cannot be); Container Apps probes it (infra/modules/inference.bicep).
ENTRYPOINT ["/app/TtcFunctions", "--roles", "inference", "--urls", "http://+:8080"]
