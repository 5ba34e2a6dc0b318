using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>The whole service in one process (api + worker + inference) against a real Azurite, on a unique hub.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const string Key = "service-test-key";

    private readonly AzuriteFixture _azurite = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string HubName { get; } = "s" + Guid.NewGuid().ToString("N")[..12];

    public AzuriteFixture Azurite => _azurite;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        if (_azurite.Unavailable is not null)
        {
            return;
        }

        _app = HostApp.Build(
        [
            "--urls", "http://127.0.0.1:0", "--hostJson", Path.Combine(SharedData.RepoRoot, "host.json"),
            "--TTC_FUNCTION_KEY", Key, "--AzureWebJobsStorage", _azurite.ConnectionString,
            "--extensions:durableTask:hubName", HubName, "--extensions:queues:maxPollingInterval", "00:00:00.200",
            "--extensions:durableTask:maxConcurrentOrchestratorFunctions", "2",
        ]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public HttpClient Client(bool withKey = true)
    {
        _azurite.Require();
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", Key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(nameof(ServiceGroup))]
public sealed class ServiceGroup : ICollectionFixture<ServiceFixture>;
