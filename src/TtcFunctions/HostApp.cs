using Ttc.Durable;
using Ttc.Search;
using TtcFunctions.Apis;

namespace TtcFunctions;

/// <summary>Builds the host: host.json settings (Functions key names), function-key auth, the APIs.</summary>
public static class HostApp
{
    /// <summary>Environment variables with this prefix override host.json values, as in Azure Functions.</summary>
    public const string HostJsonOverridePrefix = "AzureFunctionsJobHost__";

    /// <summary>Creates the application; <paramref name="configure"/> lets tests add settings.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var hostJson = builder.Configuration["hostJson"] ?? FindHostJson();
        var baseFolder = hostJson is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(hostJson))!;
        if (hostJson is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(hostJson), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(HostJsonOverridePrefix);
        // The command line beats host.json and its environment overrides, as it does everywhere else.
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);

        var settings = builder.Configuration.GetSection("ttc").Get<HostSettings>() ?? new HostSettings();
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid host settings: " + string.Join("; ", errors));
        }

        var roles = HostRoles.Parse(builder.Configuration["roles"]);
        var key = builder.Configuration["TTC_FUNCTION_KEY"];
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(roles);
        builder.Services.AddProblemDetails();
        if (roles.Inference)
        {
            builder.Services.AddSingleton(_ => new InferenceBackends(settings, baseFolder));
        }

        if (roles.Api || roles.Worker)
        {
            var storage = builder.Configuration["AzureWebJobsStorage"];
            if (string.IsNullOrEmpty(storage))
            {
                throw new InvalidOperationException("AzureWebJobsStorage is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite on its default ports), or run with --roles inference.");
            }

            var durable = DurableSettings.FromConfiguration(builder.Configuration);
            if (durable.Validate() is { Count: > 0 } durableErrors)
            {
                throw new InvalidOperationException("Invalid host settings: " + string.Join("; ", durableErrors));
            }

            builder.Services.AddSingleton(durable);
            builder.Services.AddSingleton(_ => new DurableClient(storage, durable));
        }

        if (roles.Worker)
        {
            builder.Services.AddSingleton<Func<SearchContext>>(sp => SearchContexts.Create(sp, settings, roles, key, sp.GetRequiredService<DurableOptions>().MaxConcurrentActivities));
            builder.Services.AddHostedService<WorkerService>();
        }

        var app = builder.Build();
        if (!string.IsNullOrEmpty(key))
        {
            app.UseMiddleware<FunctionKeyMiddleware>(key);
        }
        app.MapGet("/api/health", () => Results.Ok(new { status = "ok", roles = roles.Roles }));
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

    private static string? FindHostJson()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "host.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
