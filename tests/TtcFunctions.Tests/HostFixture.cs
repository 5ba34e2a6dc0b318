using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>The real host on Kestrel at a free loopback port, with a function key.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public const string Key = "test-function-key";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public InferenceBackends Backends => _app!.Services.GetRequiredService<InferenceBackends>();

    public async ValueTask InitializeAsync()
    {
        _app = HostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--hostJson", Path.Combine(SharedData.RepoRoot, "host.json"), "--TTC_FUNCTION_KEY", Key, "--roles", "inference"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public HttpClient Client(bool withKey = true)
    {
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
    }
}

[CollectionDefinition(nameof(HostGroup))]
public sealed class HostGroup : ICollectionFixture<HostFixture>;
