using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>The whole service in one process (api + worker + inference) against a real Azurite, on a unique hub.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const string Key = "service-test-key";

    private readonly AzuriteFixture _azurite = new();
    private RunningHost? _host;

    public string HubName { get; } = "s" + Guid.NewGuid().ToString("N")[..12];

    public AzuriteFixture Azurite => _azurite;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        if (_azurite.Unavailable is null)
        {
            _host = await RunningHost.StartAsync(
                "--TTC_FUNCTION_KEY", Key, "--AzureWebJobsStorage", _azurite.ConnectionString,
                "--extensions:durableTask:hubName", HubName, "--extensions:queues:maxPollingInterval", "00:00:00.200",
                "--extensions:durableTask:maxConcurrentOrchestratorFunctions", "2");
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
