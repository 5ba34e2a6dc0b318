using Microsoft.Extensions.DependencyInjection;
using Ttc.Durable;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

[CollectionDefinition(nameof(EnvironmentGroup), DisableParallelization = true)]
public sealed class EnvironmentGroup;

[Collection(nameof(EnvironmentGroup))]
public class HostSettingsTests
{
    private static readonly string HostJson = Path.Combine(SharedData.RepoRoot, "host.json");

    [Fact(Timeout = 120_000)]
    public async Task Build_HostJson_FunctionsKeyNamesAreRead()
    {
        await using var app = HostApp.Build(["--hostJson", HostJson, "--roles", "api", "--AzureWebJobsStorage", "UseDevelopmentStorage=true"]);
        var options = app.Services.GetRequiredService<DurableOptions>();
        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal("ttc", options.HubName);
        Assert.Equal(TimeSpan.FromMinutes(5), options.WorkItemVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryDelay);
        Assert.Equal(1, options.BatchConsumers);
        Assert.Equal(256, app.Services.GetRequiredService<HostSettings>().MaxN);
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_AzureFunctionsJobHostVariable_OverridesHostJson_CommandLineWinsOverBoth()
    {
        Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__queues__maxDequeueCount", "3");
        Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__durableTask__hubName", "fromenv");
        try
        {
            await using var app = HostApp.Build(["--hostJson", HostJson, "--roles", "api", "--AzureWebJobsStorage", "UseDevelopmentStorage=true", "--extensions:durableTask:hubName", "fromargs"]);
            var options = app.Services.GetRequiredService<DurableOptions>();
            Assert.Equal(3, options.MaxDequeueCount);
            Assert.Equal("fromargs", options.HubName);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__queues__maxDequeueCount", null);
            Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__durableTask__hubName", null);
        }
    }

    [Fact]
    public void Build_ApiWithoutStorage_FailsNamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "api", "--AzureWebJobsStorage", string.Empty]));
        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownRole_ListsTheKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "api,gpu"]));
        Assert.Contains("gpu", ex.Message, StringComparison.Ordinal);
        Assert.Contains("inference", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadHostSetting_FailsNamingTheKey()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "inference", "--ttc:maxN", "0"]));
        Assert.Contains("ttc:maxN", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ttc:decodeParallelism", "-1")]
    [InlineData("ttc:intraOpThreads", "-1")]
    [InlineData("ttc:interOpThreads", "-1")]
    [InlineData("ttc:executionProvider", "tpu")]
    public void Build_BadInferenceSetting_FailsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "inference", $"--{key}", value]));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadDurableSetting_FailsNamingTheKey()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "api", "--AzureWebJobsStorage", "UseDevelopmentStorage=true", "--extensions:queues:maxDequeueCount", "0"]));
        Assert.Contains("maxDequeueCount", ex.Message, StringComparison.Ordinal);
    }
}
