using System.Text.Json.Nodes;
using TtcFunctions.Tests.Infra;

namespace TtcFunctions.Tests;

/// <summary>
/// The Bicep templates under infra/ compile and lint with no warning, and deploy what the issue asks for: identity-only
/// storage, the Functions app on Flex Consumption or Elastic Premium, the serverless GPU inference service.
/// No Azure account is reachable from here, so nothing is deployed; infra/README.md says how to.
/// </summary>
public class InfraTests
{
    public static TheoryData<string> BicepFiles() => new(BicepCli.BicepFiles());

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(BicepFiles))]
    public async Task Bicep_EveryFile_BuildsAndLintsWithoutWarnings(string file)
    {
        var compilation = await BicepCli.CompileAllAsync();
        Assert.True(compilation.ExitCode == 0, compilation.Stderr);
        Assert.True(compilation.Templates.ContainsKey(file), $"{file} was not built: {compilation.Stderr}");
        // Diagnostics name the file they are in (a module's appear under the module's path).
        var path = Path.Combine(BicepCli.InfraFolder, file);
        Assert.DoesNotContain(compilation.Stderr.Split('\n'), line => line.StartsWith(path, StringComparison.Ordinal));
        Assert.Equal(string.Empty, compilation.Stderr.Trim());
    }

    [Fact(Timeout = 180_000)]
    public async Task DevParameters_BuildAgainstMainTemplate_WithoutWarnings()
    {
        var (code, stdout, stderr) = (await BicepCli.CompileAllAsync()).Parameters;
        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr.Trim());
        var parameters = JsonNode.Parse(JsonNode.Parse(stdout)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Equal("FlexConsumption", parameters["hostingPlan"]!["value"]!.GetValue<string>());
        Assert.Equal(BicepCli.DummyFunctionKey, parameters["functionKey"]!["value"]!.GetValue<string>());
    }

    [Fact(Timeout = 180_000)]
    public async Task MainBicep_Parameters_HostingPlanAndGpuProfileAreChoicesAndTheKeyIsSecure()
    {
        var main = new ArmTemplate(await BicepCli.BuildMainAsync());
        var parameters = main.Json["parameters"]!;
        Assert.Equal(["FlexConsumption", "ElasticPremium"], parameters["hostingPlan"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["Consumption-GPU-NC8as-T4", "Consumption-GPU-NC24-A100"], parameters["gpuProfile"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("securestring", parameters["functionKey"]!["type"]!.GetValue<string>());
        Assert.Null(parameters["functionKey"]!["defaultValue"]);
        var outputs = main.Json["outputs"]!.AsObject().Select(o => o.Key).ToList();
        Assert.Contains("apiBaseUrl", outputs);
        Assert.Contains("storageAccount", outputs);
        Assert.Contains("inferenceUrl", outputs);
    }

    [Fact(Timeout = 180_000)]
    public async Task StorageModule_DataAccount_TlsOnlyNoPublicBlobsNoSharedKeyAndDataRolesForTheApp()
    {
        var storage = new ArmTemplate(await BicepCli.BuildMainAsync()).Module("storage");
        var accounts = storage.Resources("Microsoft.Storage/storageAccounts");
        Assert.Equal(2, accounts.Count);
        foreach (var account in accounts)
        {
            Assert.Equal("TLS1_2", account["properties"]!["minimumTlsVersion"]!.GetValue<string>());
            Assert.False(account["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());
            Assert.True(account["properties"]!["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        }

        // The data account: Entra only. (The models account keeps its key for the Container Apps SMB mount.)
        Assert.Single(accounts, a => a["properties"]!["allowSharedKeyAccess"]?.GetValue<bool>() == false);
        var roles = storage.Variable("appRoles")!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal(
            [
                "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
                "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
                "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            ],
            roles);
        Assert.NotEmpty(storage.Resources("Microsoft.Authorization/roleAssignments"));
        Assert.Single(storage.Resources("Microsoft.Storage/storageAccounts/fileServices/shares"));
    }

    [Fact(Timeout = 180_000)]
    public async Task FunctionsModule_BothPlans_LinuxDotnetIsolatedWithTheHostKey()
    {
        var functions = new ArmTemplate(await BicepCli.BuildMainAsync()).Module("functions");
        var plan = functions.Resources("Microsoft.Web/serverfarms").Single();
        Assert.Contains("FlexConsumption", plan["sku"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("ElasticPremium", plan["sku"]!.GetValue<string>(), StringComparison.Ordinal);
        var site = functions.Resources("Microsoft.Web/sites").Single();
        Assert.Equal("functionapp,linux", site["kind"]!.GetValue<string>());
        Assert.Contains("dotnet-isolated", site["properties"]!["functionAppConfig"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("DOTNET-ISOLATED", site["properties"]!["siteConfig"]!["linuxFxVersion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("10.0", functions.RawVariable("runtimeVersion")!.GetValue<string>());
        var key = functions.Resources("Microsoft.Web/sites/host/functionKeys").Single();
        Assert.Equal("[parameters('functionKey')]", key["properties"]!["value"]!.GetValue<string>());
        Assert.Equal("securestring", functions.Json["parameters"]!["functionKey"]!["type"]!.GetValue<string>());
    }

    [Fact(Timeout = 180_000)]
    public async Task InferenceModule_ContainerApp_GpuProfileScalesToZeroOnHttpConcurrencyWithModelsShare()
    {
        var inference = new ArmTemplate(await BicepCli.BuildMainAsync()).Module("inference");
        var environment = inference.Resources("Microsoft.App/managedEnvironments").Single();
        var profiles = environment["properties"]!["workloadProfiles"]!.AsArray();
        Assert.Contains(profiles, p => p!["workloadProfileType"]!.GetValue<string>() == "[parameters('gpuProfile')]");
        var storage = inference.Resources("Microsoft.App/managedEnvironments/storages").Single();
        Assert.Equal("ReadOnly", storage["properties"]!["azureFile"]!["accessMode"]!.GetValue<string>());
        var app = inference.Resources("Microsoft.App/containerApps").Single();
        var template = app["properties"]!["template"]!;
        Assert.Equal(0, template["scale"]!["minReplicas"]!.GetValue<int>());
        Assert.NotNull(template["scale"]!["rules"]![0]!["http"]!["metadata"]!["concurrentRequests"]);
        Assert.Equal("AzureFile", template["volumes"]![0]!["storageType"]!.GetValue<string>());
        Assert.True(app["properties"]!["configuration"]!["ingress"]!["external"]!.GetValue<bool>());
        Assert.False(app["properties"]!["configuration"]!["ingress"]!["allowInsecure"]!.GetValue<bool>());
        // Each profile's replica gets its node's vCPU and memory.
        var resources = inference.RawVariable("resources")!;
        Assert.Equal(8, resources["Consumption-GPU-NC8as-T4"]!["cpu"]!.GetValue<int>());
        Assert.Equal(24, resources["Consumption-GPU-NC24-A100"]!["cpu"]!.GetValue<int>());
    }
}
