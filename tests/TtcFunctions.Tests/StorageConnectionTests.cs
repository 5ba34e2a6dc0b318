using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>
/// The two forms of AzureWebJobsStorage: the clients are built without contacting Azure (a token is only asked
/// for on the first request), so the endpoints and credentials can be checked here.
/// </summary>
[Collection(nameof(EnvironmentGroup))]
public class StorageConnectionTests
{
    private static readonly string HostJson = Path.Combine(SharedData.RepoRoot, "host.json");

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Read_NothingSet_ReturnsNull()
    {
        Assert.Null(StorageConnection.Read(Config()));
    }

    [Fact]
    public void Read_ConnectionString_UsesItForEveryService()
    {
        var connection = StorageConnection.Read(Config(("AzureWebJobsStorage", "UseDevelopmentStorage=true")))!;
        Assert.False(connection.IsIdentityBased);
        Assert.Equal("devstoreaccount1", connection.CreateBlobServiceClient().AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.CreateQueueServiceClient().Uri);
        Assert.Null(connection.Credential);
    }

    [Fact]
    public void Read_AccountNameWithUserAssignedIdentity_PublicCloudEndpointsAndManagedIdentity()
    {
        var connection = StorageConnection.Read(Config(
            ("AzureWebJobsStorage:accountName", "ttcdata123"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")))!;
        Assert.True(connection.IsIdentityBased);
        Assert.Null(connection.ConnectionString);
        Assert.Equal(new Uri("https://ttcdata123.blob.core.windows.net/"), connection.BlobServiceUri);
        Assert.Equal(new Uri("https://ttcdata123.queue.core.windows.net/"), connection.QueueServiceUri);
        Assert.Equal(new Uri("https://ttcdata123.table.core.windows.net/"), connection.TableServiceUri);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        Assert.Equal("ttcdata123", connection.CreateBlobServiceClient().AccountName);
        Assert.Equal("ttcdata123", connection.CreateQueueServiceClient().AccountName);
    }

    [Fact]
    public void Read_AccountNameWithoutCredential_DefaultCredentialChain()
    {
        var connection = StorageConnection.Read(Config(("AzureWebJobsStorage:accountName", "ttcdata123")))!;
        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void Read_ServiceUris_OverrideTheAccountName()
    {
        var connection = StorageConnection.Read(Config(
            ("AzureWebJobsStorage:accountName", "ttcdata123"),
            ("AzureWebJobsStorage:blobServiceUri", "https://ttcdata123.blob.core.chinacloudapi.cn/")))!;
        Assert.Equal(new Uri("https://ttcdata123.blob.core.chinacloudapi.cn/"), connection.BlobServiceUri);
        Assert.Equal(new Uri("https://ttcdata123.queue.core.windows.net/"), connection.QueueServiceUri);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage:blobServiceUri", "https://a.blob.core.windows.net/", "AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "AzureWebJobsStorage__accountName")]
    [InlineData("AzureWebJobsStorage:queueServiceUri", "not a uri", "AzureWebJobsStorage__queueServiceUri")]
    public void Read_IncompleteIdentityForm_FailsNamingTheSetting(string key, string value, string named)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.Read(Config((key, value))));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownCredential_FailsNamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.Read(Config(
            ("AzureWebJobsStorage:accountName", "ttcdata123"), ("AzureWebJobsStorage:credential", "accountkey"))));
        Assert.Contains("AzureWebJobsStorage__credential", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDurableClientProvider_IdentityForm_ReachesTheSameEndpoints()
    {
        var connection = StorageConnection.Read(Config(("AzureWebJobsStorage:accountName", "ttcdata123"), ("AzureWebJobsStorage:credential", "managedidentity")))!;
        var provider = connection.CreateDurableClientProvider();
        Assert.Equal(connection.BlobServiceUri, provider.Blob.CreateClient(provider.Blob.CreateOptions()).Uri);
        Assert.Equal(connection.QueueServiceUri, provider.Queue.CreateClient(provider.Queue.CreateOptions()).Uri);
        Assert.Equal(connection.TableServiceUri, provider.Table.CreateClient(provider.Table.CreateOptions()).Uri);
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_IdentityBasedStorage_DurableEngineAndClientsUseTheAccount()
    {
        // The environment variables as the Bicep template sets them on the apps (double underscores).
        Environment.SetEnvironmentVariable("AzureWebJobsStorage__accountName", "ttcdata123");
        Environment.SetEnvironmentVariable("AzureWebJobsStorage__credential", "managedidentity");
        Environment.SetEnvironmentVariable("AzureWebJobsStorage__clientId", "00000000-0000-0000-0000-000000000001");
        try
        {
            await using var app = HostApp.Build(["--hostJson", HostJson, "--roles", "api"]);
            var durable = app.Services.GetRequiredService<AzureStorageOrchestrationServiceSettings>();
            var tables = durable.StorageAccountClientProvider!.Table;
            Assert.Equal(new Uri("https://ttcdata123.table.core.windows.net/"), tables.CreateClient(tables.CreateOptions()).Uri);
            Assert.Equal("ttcdata123", app.Services.GetRequiredService<BlobServiceClient>().AccountName);
            Assert.Equal("ttcdata123", app.Services.GetRequiredService<QueueServiceClient>().AccountName);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AzureWebJobsStorage__accountName", null);
            Environment.SetEnvironmentVariable("AzureWebJobsStorage__credential", null);
            Environment.SetEnvironmentVariable("AzureWebJobsStorage__clientId", null);
        }
    }

    [Fact]
    public void AddTelemetry_ConnectionStringSet_RegistersApplicationInsights()
    {
        var services = new ServiceCollection();
        bool added = Functions.FunctionsApp.AddTelemetry(services, Config(("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000")));
        Assert.True(added);
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.ApplicationInsights.TelemetryClient));
    }

    [Fact]
    public void AddTelemetry_NoConnectionString_AddsNothing()
    {
        var services = new ServiceCollection();
        Assert.False(Functions.FunctionsApp.AddTelemetry(services, Config()));
        Assert.Empty(services);
    }
}
