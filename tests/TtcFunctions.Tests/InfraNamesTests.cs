using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Ttc.Orchestrations;
using Ttc.TestSupport;
using TtcFunctions.Apis;
using TtcFunctions.Functions;
using TtcFunctions.SelfHost;
using TtcFunctions.Tests.Infra;

namespace TtcFunctions.Tests;

/// <summary>
/// The names the templates use are the ones the code uses: task hub and containers (StorageNames over host.json's hub),
/// the batch queue (DurableNames), the app settings (StorageConnection, HostConfiguration, HostSettings, FunctionsApp),
/// the health route (Routes). Each expected name is taken from the code's constants or from host.json, never retyped.
/// </summary>
public class InfraNamesTests
{
    private static IConfiguration HostJson() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(SharedData.RepoRoot, "host.json")).Build();

    private static string SettingName(string section, string property) =>
        HostConfiguration.HostJsonOverridePrefix + section + "__" + char.ToLowerInvariant(property[0]) + property[1..];

    /// <summary>True when an AzureFunctionsJobHost__ setting overrides something the code reads: a HostSettings property or a host.json key.</summary>
    private static bool IsKnownHostSetting(string name)
    {
        var path = name[HostConfiguration.HostJsonOverridePrefix.Length..].Split("__");
        if (path is ["ttc", var property])
        {
            return typeof(HostSettings).GetProperty(property, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null;
        }

        return HostJson().GetSection(string.Join(':', path)).Exists();
    }

    [Fact(Timeout = 180_000)]
    public async Task MainBicep_TaskHubAndContainers_AreTheWorkflowsStorageNames()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        var hostJson = HostJson();
        var settings = hostJson.GetSection("ttc").Get<HostSettings>()!;
        var names = new StorageNames(DtfxSettings.HubName(hostJson), settings.DatasetContainer);
        Assert.Equal(names.HubName, main.Variable("taskHubName")!.GetValue<string>());
        var containers = main.ModuleParameter("storage", "containers")!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains(names.TreeContainer, containers);
        Assert.Contains(names.ResultsContainer, containers);
        Assert.Contains(names.DatasetContainer, containers);
        Assert.Equal(names.DatasetContainer, main.Variable("datasetContainer")!.GetValue<string>());
        Assert.Contains(main.Variable("packageContainer")!.GetValue<string>(), containers);
        Assert.All(containers, c => Assert.True(BlobNames.IsContainerName(c), $"'{c}' is not a valid container name"));
    }

    [Fact(Timeout = 180_000)]
    public async Task MainBicep_Queues_AreTheBatchQueue()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        var queues = main.ModuleParameter("storage", "queues")!.AsArray().Select(q => q!.GetValue<string>()).ToList();
        Assert.Equal([DurableNames.BatchQueue], queues);
        Assert.Equal(new HostSettings().BatchQueue, queues[0]);
    }

    [Fact(Timeout = 180_000)]
    public async Task FunctionsApp_AppSettings_AreTheOnesTheCodeReadsWithNoStorageKey()
    {
        var functions = new ArmTemplate(await BicepCli.BuildMainAsync()).Module("functions");
        var settings = functions.RawVariable("appSettings")!.AsObject();
        string Storage(string key) => StorageConnection.Name + "__" + key;
        var expected = new[]
        {
            Storage(StorageConnection.AccountNameKey),
            Storage(StorageConnection.CredentialKey),
            Storage(StorageConnection.ClientIdKey),
            FunctionsApp.ApplicationInsightsSetting,
            HostConfiguration.FunctionKeySetting,
            SettingName("ttc", nameof(HostSettings.InferenceEndpoint)),
            SettingName("ttc", nameof(HostSettings.ChatTemplate)),
            SettingName("ttc", nameof(HostSettings.Generator)),
            SettingName("ttc", nameof(HostSettings.Prm)),
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), settings.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.Equal(StorageConnection.ManagedIdentity, settings[Storage(StorageConnection.CredentialKey)]!.GetValue<string>());
        Assert.Equal("[parameters('inferenceUrl')]", settings[SettingName("ttc", nameof(HostSettings.InferenceEndpoint))]!.GetValue<string>());
        Assert.Equal("[parameters('functionKey')]", settings[HostConfiguration.FunctionKeySetting]!.GetValue<string>());

        // The connection-string form (a key) is nowhere, in either plan's settings.
        var premium = functions.RawVariable("premiumSettings")!.AsObject();
        foreach (var (name, value) in settings.Concat(premium))
        {
            Assert.NotEqual(StorageConnection.Name, name);
            Assert.DoesNotContain("AccountKey", value!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys", value.ToJsonString(), StringComparison.OrdinalIgnoreCase);
            Assert.False(name.StartsWith(HostConfiguration.HostJsonOverridePrefix, StringComparison.Ordinal) && !IsKnownHostSetting(name), $"{name} overrides nothing the code reads");
        }

        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", premium.Select(p => p.Key));
    }

    [Fact(Timeout = 180_000)]
    public async Task FunctionsApp_ModelFolders_AreTheInferenceServicesUnderThePackagesModelsFolder()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        var functions = main.Module("functions").RawVariable("appSettings")!;
        foreach (var (setting, parameter) in new[] { (nameof(HostSettings.Generator), "generatorFolder"), (nameof(HostSettings.Prm), "prmFolder") })
        {
            // The same main parameter goes to both apps: the folder on the share is the folder in the package.
            Assert.Equal(main.ModuleParameter("inference", parameter)!.GetValue<string>(), main.ModuleParameter("functions", parameter)!.GetValue<string>());
            Assert.Equal($"[format('models/{{0}}', parameters('{parameter}'))]", functions[SettingName("ttc", setting)]!.GetValue<string>());
        }

        // The defaults are the shipped models, where host.json points.
        var shipped = HostJson().GetSection("ttc").Get<HostSettings>()!;
        Assert.Equal(shipped.Generator, "models/" + main.ModuleParameter("functions", "generatorFolder")!.GetValue<string>());
        Assert.Equal(shipped.Prm, "models/" + main.ModuleParameter("functions", "prmFolder")!.GetValue<string>());
    }

    [Fact(Timeout = 180_000)]
    public async Task FunctionsApp_InferenceEndpoint_IsTheInferenceServiceUrl()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        var passed = main.Resources("Microsoft.Resources/deployments").Single(r => r["name"]!.GetValue<string>() == "functions")["properties"]!["parameters"]!["inferenceUrl"]!["value"]!.GetValue<string>();
        Assert.Contains("'inference'", passed, StringComparison.Ordinal);
        Assert.Contains("outputs.url.value", passed, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task InferenceApp_Settings_RunTheCudaInferenceRoleBehindTheKeyAndProbeTheHealthRoute()
    {
        var inference = new ArmTemplate(await BicepCli.BuildMainAsync()).Module("inference");
        var container = inference.Resources("Microsoft.App/containerApps").Single()["properties"]!["template"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);
        Assert.Equal("function-key", env[HostConfiguration.FunctionKeySetting]["secretRef"]!.GetValue<string>());
        foreach (var name in env.Keys.Where(n => n.StartsWith(HostConfiguration.HostJsonOverridePrefix, StringComparison.Ordinal)))
        {
            Assert.True(IsKnownHostSetting(name), $"{name} overrides nothing the code reads");
        }

        var provider = env[SettingName("ttc", nameof(HostSettings.ExecutionProvider))]["value"]!.GetValue<string>();
        Assert.Equal("cuda", provider);
        Assert.Empty(new HostSettings { ExecutionProvider = provider }.Validate());
        Assert.Contains(SettingName("ttc", nameof(HostSettings.Generator)), env.Keys);
        Assert.Contains(SettingName("ttc", nameof(HostSettings.Prm)), env.Keys);

        Assert.Equal("/" + Routes.Health, inference.RawVariable("healthPath")!.GetValue<string>());
        var probes = container["probes"]!.AsArray();
        Assert.All(probes, p => Assert.Equal("[variables('healthPath')]", p!["httpGet"]!["path"]!.GetValue<string>()));
        Assert.Contains(probes, p => p!["type"]!.GetValue<string>() == "Startup");
        var mountPath = inference.RawVariable("mountPath")!.GetValue<string>();
        Assert.Equal("[variables('mountPath')]", container["volumeMounts"]![0]!["mountPath"]!.GetValue<string>());

        // The image (infra/docker/inference.Dockerfile) listens where the ingress sends traffic, and defaults to the same share.
        var dockerfile = Dockerfile.Read("inference.Dockerfile");
        Assert.Equal(inference.RawVariable("port")!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), dockerfile.Last("EXPOSE"));
        Assert.StartsWith(mountPath + "/", dockerfile.Env[SettingName("ttc", nameof(HostSettings.Generator))], StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task DeploymentPackage_HostJsonInThePackageIsTheOneTheTemplateRead()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        // loadJsonContent inlines host.json at build time: the template's copy is the repository's.
        var inlined = main.Json["variables"]!.AsObject().Select(v => v.Value).OfType<JsonObject>().Single(v => v["extensions"] is not null);
        var repository = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SharedData.RepoRoot, "host.json"), TestContext.Current.CancellationToken))!;
        Assert.True(JsonNode.DeepEquals(repository, inlined));
        var project = await File.ReadAllTextAsync(Path.Combine(SharedData.RepoRoot, "src", "TtcFunctions", "TtcFunctions.csproj"), TestContext.Current.CancellationToken);
        Assert.Contains(@"<None Include=""..\..\host.json"" Link=""host.json"" CopyToOutputDirectory=""PreserveNewest"" />", project, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task InfraReadme_DeployCommands_UseTheTemplatesOutputsFilesAndNames()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        var readme = await File.ReadAllTextAsync(Path.Combine(BicepCli.InfraFolder, "README.md"), TestContext.Current.CancellationToken);
        var outputs = main.Json["outputs"]!.AsObject().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var used = System.Text.RegularExpressions.Regex.Matches(readme, @"\$\(out (\w+)\)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(used);
        Assert.All(used, o => Assert.Contains(o, outputs));
        foreach (var file in new[] { "infra/main.bicep", "infra/main.dev.bicepparam", "infra/docker/inference.Dockerfile", "infra/docker/selfhost.Dockerfile" })
        {
            Assert.Contains(file, readme, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(SharedData.RepoRoot, file)), file);
        }

        // The image the dev parameters name is the one the README builds; the Elastic Premium package is where the app looks.
        var parameters = JsonNode.Parse(JsonNode.Parse((await BicepCli.CompileAllAsync()).Parameters.Stdout)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Contains("-t " + parameters["inferenceImage"]!["value"]!.GetValue<string>() + " ", readme, StringComparison.Ordinal);
        Assert.Contains($"-c {main.Variable("packageContainer")!.GetValue<string>()} -n {main.Variable("packageBlob")!.GetValue<string>()} ", readme, StringComparison.Ordinal);
        Assert.Contains("-d " + main.Variable("modelsShare")!.GetValue<string>() + " ", readme, StringComparison.Ordinal);
    }
}
