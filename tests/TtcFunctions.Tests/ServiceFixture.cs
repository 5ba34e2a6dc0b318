using Azure.Storage.Blobs;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>The whole service in one process (api + worker + inference) against a real Azurite, on a unique task hub.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const string Key = "service-test-key";

    private readonly AzuriteFixture _azurite = new();
    private RunningHost? _host;

    public string HubName { get; } = "s" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>This hub's datasets container.</summary>
    public string DatasetContainer => "datasets-" + HubName;

    public AzuriteFixture Azurite => _azurite;

    public RunningHost Host => _host!;

    /// <summary>Settings that make a test host quick: short polling and retries, this fixture's hub and containers.</summary>
    public string[] HostArguments(string hub) =>
    [
        "--AzureWebJobsStorage", _azurite.ConnectionString,
        "--extensions:durableTask:hubName", hub,
        "--extensions:durableTask:storageProvider:maxQueuePollingInterval", "00:00:00.500",
        "--extensions:durableTask:storageProvider:partitionCount", "2",
        "--extensions:queues:maxPollingInterval", "00:00:00.200",
        "--ttc:activityRetry:firstRetrySeconds", "0.2",
        "--ttc:datasetContainer", DatasetContainer,
        "--ttc:batchQueue", "batches-" + hub,
    ];

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        if (_azurite.Unavailable is null)
        {
            _host = await RunningHost.StartAsync(["--TTC_FUNCTION_KEY", Key, .. HostArguments(HubName)]);
            await new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(DatasetContainer).CreateIfNotExistsAsync();
        }
    }

    public HttpClient Client(bool withKey = true)
    {
        _azurite.Require();
        return _host!.Client(withKey ? Key : null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(nameof(ServiceGroup))]
public sealed class ServiceGroup : ICollectionFixture<ServiceFixture>;
