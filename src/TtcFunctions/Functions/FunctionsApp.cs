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
        return builder.Build();
    }
}
