using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Converters;
using Ttc.Search;
using TtcFunctions.Apis;
using TtcFunctions.SelfHost;

namespace TtcFunctions;

/// <summary>
/// The self-host: the project started without the Functions host. The same HTTP handlers behind the
/// same routes, the same orchestrations on the Durable Task Framework over AzureWebJobsStorage, settings
/// from the same host.json. Roles (api, worker, inference; all by default) choose what a process serves;
/// several processes on one task hub share the work.
/// </summary>
public static class HostApp
{
    /// <summary>Environment variables with this prefix override host.json values, as in Azure Functions.</summary>
    public const string HostJsonOverridePrefix = HostConfiguration.HostJsonOverridePrefix;

    /// <summary>Creates the application; <paramref name="configure"/> lets tests add settings.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The engine logs every queue poll at Information; its warnings and errors are what an operator needs.
        builder.Logging.AddFilter("DurableTask", LogLevel.Warning);
        var baseFolder = HostConfiguration.AddSources(builder.Configuration, builder.Configuration, args);
        configure?.Invoke(builder);

        var roles = HostRoles.Parse(builder.Configuration["roles"]);
        bool durable = roles.Api || roles.Worker;
        var (settings, _) = ServiceSetup.ReadSettings(builder.Configuration, durable);
        ServiceSetup.Add(builder.Services, builder.Configuration, settings, roles, baseFolder);
        if (durable)
        {
            AddDurable(builder, roles);
        }

        var app = builder.Build();
        var key = builder.Configuration[HostConfiguration.FunctionKeySetting];
        if (!string.IsNullOrEmpty(key))
        {
            app.UseMiddleware<FunctionKeyMiddleware>(key);
        }

        app.MapGet("/" + Routes.Health, () => Health(roles));
        if (roles.Inference)
        {
            app.MapInferenceApi();
        }

        if (roles.Api)
        {
            app.MapSolveApi();
        }

        return app;
    }

    /// <summary>The health response of both hosts.</summary>
    internal static IResult Health(HostRoles roles) => Results.Ok(new { status = "ok", roles = roles.Roles });

    private static void AddDurable(WebApplicationBuilder builder, HostRoles roles)
    {
        // Fails the start with a message naming the settings when neither form of AzureWebJobsStorage is given.
        _ = ServiceSetup.RequireStorage(builder.Configuration);
        var workerId = builder.Configuration["workerId"] ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        var services = builder.Services;
        services.AddSingleton(sp => DtfxSettings.From(builder.Configuration, sp.GetRequiredService<StorageConnection>(), workerId, sp.GetRequiredService<ILoggerFactory>()));
        // One service per process, shared by the worker and the client: messages it sends wake its own pollers at once.
        services.AddSingleton(sp => new AzureStorageOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationServiceSettings>()));
        services.AddSingleton(sp => new TaskHubClient(
            sp.GetRequiredService<AzureStorageOrchestrationService>(),
            new CoreJsonDataConverter(new JsonDataConverter(TtcJson.Options)),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IOrchestrationClient, DtfxOrchestrationClient>();
        services.AddHostedService<TaskHubSetup>();
        services.AddSingleton(sp => new PublicUrls(sp.GetRequiredService<HostSettings>(), () =>
            PublicUrls.FirstAddress(sp.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses)));
        if (roles.Worker)
        {
            services.AddHostedService<DtfxWorkerService>();
            services.AddHostedService<BatchQueueListener>();
        }
    }
}
