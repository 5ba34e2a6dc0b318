using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Ttc.Search;

namespace TtcFunctions.Functions;

/// <summary>The process as an Azure Functions isolated worker: the Functions host owns the Durable Task engine, the triggers and the keys.</summary>
internal static class FunctionsApp
{
    /// <summary>
    /// The Functions host passes <c>--functions-uri</c> (the worker maps it to Functions:Worker:HostEndpoint);
    /// an environment variable Functions__Worker__HostEndpoint counts too.
    /// </summary>
    public static bool LaunchedByFunctionsHost(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string> { ["--functions-uri"] = "Functions:Worker:HostEndpoint" })
            .Build();
        return !string.IsNullOrEmpty(configuration["Functions:Worker:HostEndpoint"]);
    }

    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        var baseFolder = HostConfiguration.AddSources(builder.Configuration, builder.Configuration, args);
        // In Azure the roles are all of them unless ttc:inferenceEndpoint sends inference to a GPU node.
        var (settings, _) = ServiceSetup.ReadSettings(builder.Configuration, durable: false);
        var roles = HostRoles.Parse(builder.Configuration["roles"] ?? (string.IsNullOrEmpty(settings.InferenceEndpoint) ? null : "api,worker"));
        ServiceSetup.Add(builder.Services, builder.Configuration, settings, roles, baseFolder);
        builder.Services.AddSingleton(_ => new Apis.PublicUrls(settings, () =>
            Environment.GetEnvironmentVariable("WEBSITE_HOSTNAME") is { Length: > 0 } host ? new Uri("https://" + host) : null));
        builder.Services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(TtcJson.Options));
        AddTelemetry(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>The app setting that turns Application Insights on (the Functions host reads the same one).</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Sends the worker's own logs, requests and dependencies to Application Insights when
    /// <see cref="ApplicationInsightsSetting"/> is set; returns whether it did. Without the setting nothing is added.
    /// </summary>
    public static bool AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration[ApplicationInsightsSetting]))
        {
            return false;
        }

        services.AddApplicationInsightsTelemetryWorkerService(o => o.ConnectionString = configuration[ApplicationInsightsSetting]);
        services.ConfigureFunctionsApplicationInsights();
        // The Application Insights provider adds a rule that keeps only warnings; the host.json and
        // Logging settings decide instead (Information by default), as in the Functions templates.
        services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });
        return true;
    }
}
