using System.Text.Json;
using Ttc.TestSupport;
using TtcFunctions.Apis;
using TtcFunctions.Tests.Infra;

namespace TtcFunctions.Tests;

/// <summary>
/// The two images (infra/docker): parsed and checked here, and linted with dockerfile-utils when .ci/run has installed
/// it (hadolint is packaged neither for Debian nor on npm). The CPU image is built where a container builder works; the
/// machine this was written on has a Docker client without an engine (the test says so when it skips), and no
/// container registry is reachable from it to pull the base images from.
/// </summary>
public class DockerfileTests
{
    public static TheoryData<string> Dockerfiles() => new("inference.Dockerfile", "selfhost.Dockerfile");

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_Parse_KnownInstructionsPinnedBasesAndExistingSources(string name)
    {
        var file = Dockerfile.Read(name);
        Assert.All(file.Instructions, i => Assert.True(Dockerfile.Known.Contains(i.Keyword), $"{name}:{i.Line}: unknown instruction {i.Keyword}"));
        Assert.Equal("FROM", file.Instructions.First(i => i.Keyword != "ARG").Keyword);
        var stages = file.Stages;
        Assert.True(stages.Count >= 2, $"{name}: a build stage and a runtime stage");
        foreach (var (image, _) in stages)
        {
            Assert.DoesNotContain("$", image, StringComparison.Ordinal);
            var tag = image[(image.LastIndexOf('/') + 1)..].Split(':');
            Assert.True(tag.Length == 2 && tag[1] != "latest", $"{name}: base image {image} needs a tag other than latest");
        }

        var stageNames = stages.Select(s => s.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (keyword, args, line) in file.Instructions.Where(i => i.Keyword is "COPY" or "ADD"))
        {
            var words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal));
            if (from is not null)
            {
                Assert.Contains(from["--from=".Length..], stageNames);
                continue;
            }

            foreach (var source in words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
            {
                var path = Path.Combine(SharedData.RepoRoot, source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{name}:{line}: {keyword} source {source} is not in the repository (the build context is its root)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_BuildStage_CopiesEveryRootFileTheBuildReads(string name)
    {
        // Without .editorconfig, say, the analyzers it silences fail the Release build (warnings are errors).
        var file = Dockerfile.Read(name);
        var copied = file.Instructions.Where(i => i.Keyword == "COPY" && !i.Args.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1)).ToHashSet(StringComparer.Ordinal);
        var ignored = File.ReadAllLines(Path.Combine(SharedData.RepoRoot, ".dockerignore")).Select(l => l.Trim().TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        string[] buildInputs = ["global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", ".editorconfig", "nuget.config", "NuGet.Config", "host.json"];
        foreach (var input in buildInputs.Where(f => File.Exists(Path.Combine(SharedData.RepoRoot, f))))
        {
            Assert.True(copied.Contains(input), $"{name}: the build stage does not copy {input}");
            Assert.DoesNotContain(input, ignored);
        }

        Assert.Contains("src/", copied);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_FinalStage_NonRootExecFormEntrypointOnThePublishedProject(string name)
    {
        var file = Dockerfile.Read(name);
        var user = file.Last("USER");
        Assert.False(user is "root" or "0" || user.StartsWith("0:", StringComparison.Ordinal), $"{name}: runs as {user}");
        Assert.Equal("8080", file.Last("EXPOSE"));
        var entrypoint = JsonSerializer.Deserialize<string[]>(file.Last("ENTRYPOINT"))!;
        Assert.Contains(entrypoint, a => a.Contains("TtcFunctions", StringComparison.Ordinal));
        Assert.Equal("http://+:8080", entrypoint[Array.IndexOf(entrypoint, "--urls") + 1]);
        var publish = file.Instructions.Single(i => i.Keyword == "RUN" && i.Args.Contains("dotnet publish", StringComparison.Ordinal)).Args;
        Assert.Contains("src/TtcFunctions/TtcFunctions.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void InferenceDockerfile_GpuFlavourOnCuda13_InferenceRoleOnly()
    {
        var file = Dockerfile.Read("inference.Dockerfile");
        var publish = file.Instructions.Single(i => i.Keyword == "RUN" && i.Args.Contains("dotnet publish", StringComparison.Ordinal)).Args;
        Assert.Contains("-p:OnnxRuntimeFlavor=gpu", publish, StringComparison.Ordinal);
        Assert.Matches(@"^nvidia/cuda:13\.\d+\.\d+-cudnn-runtime-", file.Stages[^1].Image);
        var entrypoint = JsonSerializer.Deserialize<string[]>(file.Last("ENTRYPOINT"))!;
        Assert.Equal("inference", entrypoint[Array.IndexOf(entrypoint, "--roles") + 1]);
        Assert.Equal("cuda", file.Env[HostConfiguration.HostJsonOverridePrefix + "ttc__executionProvider"]);
        Assert.Empty(new HostSettings { ExecutionProvider = file.Env[HostConfiguration.HostJsonOverridePrefix + "ttc__executionProvider"] }.Validate());
        // The health route the probes use is the one the self-host maps.
        Assert.Contains("/" + Routes.Health, File.ReadAllText(file.Path), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfHostDockerfile_CpuFlavourWithTheShippedModels()
    {
        var file = Dockerfile.Read("selfhost.Dockerfile");
        Assert.DoesNotContain(file.Instructions, i => i.Args.Contains("OnnxRuntimeFlavor=gpu", StringComparison.Ordinal));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", file.Stages[^1].Image, StringComparison.Ordinal);
        Assert.Contains(file.FinalStage, i => i.Keyword == "COPY" && i.Args.EndsWith("models/ models/", StringComparison.Ordinal));
        // host.json names models/generator-small relative to itself; the publish output carries host.json to /app.
        Assert.Equal("/app", file.Last("WORKDIR"));
        Assert.True(Directory.Exists(Path.Combine(SharedData.RepoRoot, "models", "generator-small")));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Dockerfiles))]
    public async Task Dockerfile_Lint_DockerfileUtilsReportsNothing(string name)
    {
        var lint = Path.Combine(SharedData.RepoRoot, "infra", "tools", "node_modules", ".bin", "dockerfile-utils");
        Assert.SkipWhen(!File.Exists(lint), $"Skipped: dockerfile-utils is not at {lint}; run 'npm install --prefix infra/tools' (.ci/run does).");
        var (code, output) = await ContainerBuilder.RunAsync(lint, TimeSpan.FromSeconds(50), "lint", Path.Combine(Dockerfile.Folder, name));
        Assert.True(code == 0, output);
        Assert.Equal(string.Empty, output.Trim());
    }

    [Fact(Timeout = 1_200_000)]
    public async Task SelfHostImage_Build_SucceedsWhereAContainerBuilderIsAvailable()
    {
        var (builder, build, reason) = await ContainerBuilder.Find();
        Assert.SkipWhen(builder is null, $"Skipped: no container builder on this machine: {reason}.");
        var (code, output) = await ContainerBuilder.RunAsync(builder!, TimeSpan.FromMinutes(19), [.. build, "-f", "infra/docker/selfhost.Dockerfile", "-t", "ttc-selfhost:test", "."]);
        Assert.True(code == 0, output);
    }
}
