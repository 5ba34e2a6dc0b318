using Microsoft.Extensions.DependencyInjection;
using DurableTask.AzureStorage;
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
        var durable = app.Services.GetRequiredService<AzureStorageOrchestrationServiceSettings>();
        Assert.Equal("ttc", durable.TaskHubName);
        Assert.Equal(4, durable.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(15), durable.WorkItemQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), durable.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), durable.MaxQueuePollingInterval);
        Assert.Equal(16, durable.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(16, durable.MaxConcurrentTaskOrchestrationWorkItems);
        var settings = app.Services.GetRequiredService<HostSettings>();
        Assert.Equal(256, settings.MaxN);
        Assert.Equal(8, settings.MaxConcurrentSolves);
        Assert.Equal(3, settings.ActivityRetry.MaxAttempts);
        Assert.Equal("datasets", settings.DatasetContainer);
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_AzureFunctionsJobHostVariable_OverridesHostJson_CommandLineWinsOverBoth()
    {
        Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount", "2");
        Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__durableTask__hubName", "fromenv");
        try
        {
            await using var app = HostApp.Build(["--hostJson", HostJson, "--roles", "api", "--AzureWebJobsStorage", "UseDevelopmentStorage=true", "--extensions:durableTask:hubName", "fromargs"]);
            var durable = app.Services.GetRequiredService<AzureStorageOrchestrationServiceSettings>();
            Assert.Equal(2, durable.PartitionCount);
            Assert.Equal("fromargs", durable.TaskHubName);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount", null);
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
    [InlineData("ttc:decodeSubBatchRows", "-1")]
    [InlineData("ttc:intraOpThreads", "-1")]
    [InlineData("ttc:interOpThreads", "-1")]
    [InlineData("ttc:executionProvider", "tpu")]
    [InlineData("ttc:attentionKernel", "fast")]
    [InlineData("ttc:kvCapacity", "-1")]
    public void Build_BadInferenceSetting_FailsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "inference", $"--{key}", value]));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("extensions:queues:maxDequeueCount", "0")]
    [InlineData("extensions:durableTask:hubName", "no-dashes")]
    [InlineData("extensions:durableTask:storageProvider:partitionCount", "17")]
    [InlineData("extensions:durableTask:storageProvider:maxQueuePollingInterval", "soon")]
    [InlineData("extensions:durableTask:maxConcurrentActivityFunctions", "0")]
    [InlineData("ttc:datasetContainer", "Bad_Name")]
    [InlineData("ttc:publicBaseUrl", "ftp://x")]
    [InlineData("ttc:activityRetry:maxAttempts", "0")]
    [InlineData("ttc:maxConcurrentSolves", "0")]
    public void Build_BadDurableSetting_FailsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build(["--hostJson", HostJson, "--roles", "api", "--AzureWebJobsStorage", "UseDevelopmentStorage=true", $"--{key}", value]));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }
}
