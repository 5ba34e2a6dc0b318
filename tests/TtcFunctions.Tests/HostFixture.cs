using Microsoft.Extensions.DependencyInjection;

namespace TtcFunctions.Tests;

/// <summary>The host with only the inference role (no storage needed), with a function key.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public const string Key = "test-function-key";

    private RunningHost? _host;

    public Uri BaseAddress => _host!.BaseAddress;

    public InferenceBackends Backends => _host!.App.Services.GetRequiredService<InferenceBackends>();

    public async ValueTask InitializeAsync() => _host = await RunningHost.StartAsync("--TTC_FUNCTION_KEY", Key, "--roles", "inference");

    public HttpClient Client(bool withKey = true) => _host!.Client(withKey ? Key : null);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(HostGroup))]
public sealed class HostGroup : ICollectionFixture<HostFixture>;
