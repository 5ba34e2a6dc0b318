using Ttc.Orchestrations;
using Ttc.Search;
using TtcFunctions.Apis;
using TtcFunctions.SelfHost;

namespace TtcFunctions;

/// <summary>The services both hosts share: settings, storage, the models, the activities' inference.</summary>
internal static class ServiceSetup
{
    /// <summary>Reads and validates the settings; throws one exception listing every problem, each naming its key.</summary>
    public static (HostSettings Settings, HostRoles Roles) ReadSettings(IConfiguration configuration, bool durable)
    {
        var settings = configuration.GetSection("ttc").Get<HostSettings>() ?? new HostSettings();
        var errors = settings.Validate().ToList();
        if (durable)
        {
            errors.AddRange(DtfxSettings.Validate(configuration));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid host settings: " + string.Join("; ", errors));
        }

        return (settings, HostRoles.Parse(configuration["roles"]));
    }

    /// <summary>Registers the shared services.</summary>
    public static void Add(IServiceCollection services, IConfiguration configuration, HostSettings settings, HostRoles roles, string baseFolder)
    {
        settings.LoadPolicy(baseFolder);
        services.AddSingleton(settings);
        services.AddSingleton(roles);
        services.AddProblemDetails();
        services.AddSingleton(new ContextCheck(settings, baseFolder));
        if (roles.Inference)
        {
            services.AddSingleton(sp => new InferenceBackends(settings, baseFolder, sp.GetRequiredService<ILogger<InferenceBackends>>()));
        }

        // A connection string or the identity-based AzureWebJobsStorage__accountName form (no key anywhere).
        if (StorageConnection.Read(configuration) is { } storage)
        {
            services.AddSingleton(storage);
            services.AddSingleton(new StorageNames(DtfxSettings.HubName(configuration), settings.DatasetContainer));
            services.AddSingleton(_ => storage.CreateBlobServiceClient());
            services.AddSingleton(_ => storage.CreateQueueServiceClient());
        }

        if (roles.Worker)
        {
            var key = configuration[HostConfiguration.FunctionKeySetting];
            int inFlight = configuration.GetValue("extensions:durableTask:maxConcurrentActivityFunctions", 10 * Environment.ProcessorCount);
            services.AddSingleton<SearchContext>(sp => SearchContexts.Create(sp, settings, roles, key, inFlight));
        }
    }

    /// <summary>The storage connection the durable roles need, or an error that says how to give one.</summary>
    public static StorageConnection RequireStorage(IConfiguration configuration) =>
        StorageConnection.Read(configuration)
            ?? throw new InvalidOperationException("AzureWebJobsStorage is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite on its default ports, or a full connection string for other ports), or an identity-based connection (AzureWebJobsStorage__accountName, with AzureWebJobsStorage__credential=managedidentity and AzureWebJobsStorage__clientId for a user-assigned identity), or run with --roles inference.");
}
