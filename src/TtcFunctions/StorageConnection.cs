using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace TtcFunctions;

/// <summary>
/// The storage connection named <c>AzureWebJobsStorage</c>, in either form the Functions host accepts: a
/// connection string (the setting's own value; Azurite locally), or identity-based settings under the same
/// name (<c>AzureWebJobsStorage__accountName</c>, or <c>__blobServiceUri</c>, <c>__queueServiceUri</c> and
/// <c>__tableServiceUri</c>; <c>__credential</c> = <c>managedidentity</c> with <c>__clientId</c> for a
/// user-assigned identity), where no account key is stored anywhere. Both hosts read it here, so the
/// self-host, the Functions worker's own clients and the Functions host agree on one set of settings.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The connection's name, as the Functions host and the queue trigger use it.</summary>
    public const string Name = "AzureWebJobsStorage";

    /// <summary>Sub-setting: the storage account whose public-cloud endpoints are used.</summary>
    public const string AccountNameKey = "accountName";

    /// <summary>Sub-setting: the Blob service endpoint (instead of one derived from the account name).</summary>
    public const string BlobServiceUriKey = "blobServiceUri";

    /// <summary>Sub-setting: the Queue service endpoint.</summary>
    public const string QueueServiceUriKey = "queueServiceUri";

    /// <summary>Sub-setting: the Table service endpoint (the durable engine's history and instances).</summary>
    public const string TableServiceUriKey = "tableServiceUri";

    /// <summary>Sub-setting: <c>managedidentity</c>, or unset for the default credential chain (a developer's az login).</summary>
    public const string CredentialKey = "credential";

    /// <summary>Sub-setting: the client id of a user-assigned managed identity.</summary>
    public const string ClientIdKey = "clientId";

    /// <summary>The one value of the credential sub-setting.</summary>
    public const string ManagedIdentity = "managedidentity";

    /// <summary>The endpoint suffix an account name is expanded with (Azure public cloud, as the Functions host does).</summary>
    public const string PublicCloudSuffix = "core.windows.net";

    private StorageConnection(string? connectionString, Uri? blob, Uri? queue, Uri? table, TokenCredential? credential)
    {
        ConnectionString = connectionString;
        BlobServiceUri = blob;
        QueueServiceUri = queue;
        TableServiceUri = table;
        Credential = credential;
    }

    /// <summary>The connection string, or null for an identity-based connection.</summary>
    public string? ConnectionString { get; }

    /// <summary>The Blob endpoint of an identity-based connection.</summary>
    public Uri? BlobServiceUri { get; }

    /// <summary>The Queue endpoint of an identity-based connection.</summary>
    public Uri? QueueServiceUri { get; }

    /// <summary>The Table endpoint of an identity-based connection.</summary>
    public Uri? TableServiceUri { get; }

    /// <summary>The token credential of an identity-based connection (created, never used to sign in here).</summary>
    public TokenCredential? Credential { get; }

    /// <summary>True when the connection uses a token credential instead of a connection string.</summary>
    public bool IsIdentityBased => ConnectionString is null;

    /// <summary>
    /// The connection configured under <see cref="Name"/>, or null when neither form is set. An identity-based
    /// form that lacks an endpoint or names an unknown credential throws, naming the setting.
    /// </summary>
    public static StorageConnection? Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Name] is { Length: > 0 } connectionString)
        {
            return new StorageConnection(connectionString, null, null, null, null);
        }

        var section = configuration.GetSection(Name);
        var account = section[AccountNameKey];
        if (string.IsNullOrEmpty(account) && string.IsNullOrEmpty(section[BlobServiceUriKey]) && string.IsNullOrEmpty(section[QueueServiceUriKey]) && string.IsNullOrEmpty(section[TableServiceUriKey]))
        {
            return null;
        }

        var errors = new List<string>();
        Uri? Endpoint(string key, string service)
        {
            if (section[key] is { Length: > 0 } text)
            {
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
                {
                    return uri;
                }

                errors.Add($"{Name}__{key} must be an absolute http(s) address (got '{text}')");
                return null;
            }

            if (!string.IsNullOrEmpty(account))
            {
                return new Uri($"https://{account}.{service}.{PublicCloudSuffix}/");
            }

            errors.Add($"{Name}__{key} is required when {Name}__{AccountNameKey} is not set");
            return null;
        }

        var blob = Endpoint(BlobServiceUriKey, "blob");
        var queue = Endpoint(QueueServiceUriKey, "queue");
        var table = Endpoint(TableServiceUriKey, "table");
        if (!string.IsNullOrEmpty(account) && !IsAccountName(account))
        {
            errors.Add($"{Name}__{AccountNameKey} must be a storage account name: 3-24 lowercase letters and digits (got '{account}')");
        }

        var credentialKind = section[CredentialKey];
        if (!string.IsNullOrEmpty(credentialKind) && !string.Equals(credentialKind, ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Name}__{CredentialKey} must be '{ManagedIdentity}' or unset (got '{credentialKind}')");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid storage connection: " + string.Join("; ", errors));
        }

        return new StorageConnection(null, blob, queue, table, CreateCredential(credentialKind, section[ClientIdKey]));
    }

    /// <summary>
    /// <c>managedidentity</c>: the app's managed identity (user-assigned when <paramref name="clientId"/> is given);
    /// unset: the default chain (environment, workload identity, managed identity, then a developer's sign-in).
    /// </summary>
    public static TokenCredential CreateCredential(string? credential, string? clientId)
    {
        if (string.Equals(credential, ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(clientId) ? null : clientId });
    }

    /// <summary>A Blob service client for this connection.</summary>
    public BlobServiceClient CreateBlobServiceClient() =>
        ConnectionString is not null ? new BlobServiceClient(ConnectionString) : new BlobServiceClient(BlobServiceUri, Credential);

    /// <summary>A Queue service client for this connection.</summary>
    public QueueServiceClient CreateQueueServiceClient() =>
        ConnectionString is not null ? new QueueServiceClient(ConnectionString) : new QueueServiceClient(QueueServiceUri, Credential);

    /// <summary>The durable engine's (DTFx) access to the blobs, queues and tables of this connection.</summary>
    public StorageAccountClientProvider CreateDurableClientProvider() =>
        ConnectionString is not null
            ? new StorageAccountClientProvider(ConnectionString)
            : new StorageAccountClientProvider(BlobServiceUri!, QueueServiceUri!, TableServiceUri!, Credential!);

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}
