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
        configure?.Invoke(builder);

        var settings = builder.Configuration.GetSection("ttc").Get<HostSettings>() ?? new HostSettings();
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid host settings: " + string.Join("; ", errors));
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(_ => new InferenceBackends(settings, baseFolder));
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        var key = builder.Configuration["TTC_FUNCTION_KEY"];
        app.UseMiddleware<FunctionKeyMiddleware>(string.IsNullOrEmpty(key) ? null : key);
        app.MapGet("/api/health", () => Results.Ok(new { status = "ok" }));
        app.MapInferenceApi();
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
