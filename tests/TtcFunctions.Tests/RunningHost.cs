using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>The real host on Kestrel at a free loopback port, built from command-line arguments.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private RunningHost(WebApplication app, Uri address)
    {
        App = app;
        BaseAddress = address;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public static async Task<RunningHost> StartAsync(params string[] args)
    {
        var app = HostApp.Build(["--urls", "http://127.0.0.1:0", "--hostJson", Path.Combine(SharedData.RepoRoot, "host.json"), .. args]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address));
    }

    /// <summary>An HTTP client for the host, sending <paramref name="key"/> as the function key when given.</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
