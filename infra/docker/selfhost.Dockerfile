# syntax=docker/dockerfile:1
# The CPU self-host, for VMs and Kubernetes instead of Azure Functions: src/TtcFunctions started without the Functions
# host runs the API, the durable workers (DTFx over AzureWebJobsStorage) and the models (every role by default; pick
# some with --roles api,worker,inference). The shipped tiny models are in the image under /app/models.
# Build from the repository root:
#   docker build -f infra/docker/selfhost.Dockerfile -t ttc-selfhost .
# Run against a storage account (or Azurite); the identity-based form works too (AzureWebJobsStorage__accountName):
#   docker run -p 8080:8080 -e AzureWebJobsStorage="<connection string>" -e TTC_FUNCTION_KEY=secret ttc-selfhost

ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${DOTNET_SDK_IMAGE} AS build
# g++ builds the decode attention kernel (src/Ttc.Inference/Native) beside the app.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig host.json ./
COPY src/ src/
RUN dotnet publish src/TtcFunctions/TtcFunctions.csproj -c Release -o /app

FROM ${DOTNET_RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build --chown=root:root /app ./
COPY --chown=root:root models/ models/
ENV DOTNET_NOLOGO=1
# The non-root user the .NET images define (APP_UID, 1654).
USER 1654
EXPOSE 8080
# Health: GET /api/health (no key needed) answers {"status":"ok","roles":[...]} once the host has started.
ENTRYPOINT ["dotnet", "/app/TtcFunctions.dll", "--urls", "http://+:8080"]
