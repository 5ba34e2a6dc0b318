using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Ttc.Durable;

/// <summary>Instance status in an Azure Table; values too large for a table property go to a blob.</summary>
public sealed class InstanceStore(TableClient table, BlobContainerClient payloads)
{
    private const string Partition = "instances";
    private const int MaxInlineChars = 30_000; // a table string property holds 64 KiB (32k UTF-16 chars)
    private const string BlobPrefix = "blob:";

    /// <summary>Creates the table and container if needed.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await table.CreateIfNotExistsAsync(cancellationToken);
        await payloads.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Adds a new instance; false when the id exists.</summary>
    public async Task<bool> CreateAsync(InstanceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await table.AddEntityAsync(await ToEntityAsync(record, cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The instance, or null.</summary>
    public async Task<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, instanceId, cancellationToken: cancellationToken);
        return response.HasValue ? await FromEntityAsync(response.Value!, cancellationToken) : null;
    }

    /// <summary>Writes the instance (last writer wins; the checkpoint's ETag guards the search itself).</summary>
    public async Task UpdateAsync(InstanceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.LastUpdatedTime = DateTimeOffset.UtcNow;
        await table.UpsertEntityAsync(await ToEntityAsync(record, cancellationToken), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Instances, newest first, optionally filtered by status.</summary>
    public async Task<List<InstanceRecord>> ListAsync(IReadOnlyCollection<RuntimeStatus>? statuses, int top, CancellationToken cancellationToken = default)
    {
        var list = new List<InstanceRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            var record = await FromEntityAsync(e, cancellationToken);
            if (statuses is null || statuses.Count == 0 || statuses.Contains(record.RuntimeStatus))
            {
                list.Add(record);
            }
        }

        return list.OrderByDescending(r => r.CreatedTime).Take(top).ToList();
    }

    /// <summary>Removes the instance and its payload blobs; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await foreach (var blob in payloads.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, instanceId + "/", cancellationToken))
        {
            await payloads.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }

        // Deleting a missing entity is not an error for the Tables SDK, so existence is asked first.
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, instanceId, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return false;
        }

        await table.DeleteEntityAsync(Partition, instanceId, ETag.All, cancellationToken);
        return true;
    }

    private async Task<TableEntity> ToEntityAsync(InstanceRecord r, CancellationToken ct) => new(Partition, r.InstanceId)
    {
        ["Name"] = r.Name,
        ["RuntimeStatus"] = r.RuntimeStatus.ToString(),
        ["Input"] = await InlineAsync(r.InstanceId, "input", r.Input, ct),
        ["CustomStatus"] = await InlineAsync(r.InstanceId, "customStatus", r.CustomStatus, ct),
        ["Output"] = await InlineAsync(r.InstanceId, "output", r.Output, ct),
        ["LastError"] = r.LastError is { Length: > 4000 } e ? e[..4000] : r.LastError,
        ["CreatedTime"] = r.CreatedTime,
        ["LastUpdatedTime"] = r.LastUpdatedTime,
    };

    private async Task<InstanceRecord> FromEntityAsync(TableEntity e, CancellationToken ct) => new()
    {
        InstanceId = e.RowKey,
        Name = e.GetString("Name") ?? "solve",
        RuntimeStatus = Enum.TryParse<RuntimeStatus>(e.GetString("RuntimeStatus"), out var s) ? s : RuntimeStatus.Pending,
        Input = await ResolveAsync(e.GetString("Input"), ct),
        CustomStatus = await ResolveAsync(e.GetString("CustomStatus"), ct),
        Output = await ResolveAsync(e.GetString("Output"), ct),
        LastError = e.GetString("LastError"),
        CreatedTime = e.GetDateTimeOffset("CreatedTime") ?? DateTimeOffset.MinValue,
        LastUpdatedTime = e.GetDateTimeOffset("LastUpdatedTime") ?? DateTimeOffset.MinValue,
    };

    private async Task<string?> InlineAsync(string id, string field, string? value, CancellationToken ct)
    {
        if (value is null || value.Length <= MaxInlineChars)
        {
            return value;
        }

        var name = $"{id}/{field}.json";
        await payloads.GetBlobClient(name).UploadAsync(BinaryData.FromString(value), overwrite: true, ct);
        return BlobPrefix + name;
    }

    private async Task<string?> ResolveAsync(string? value, CancellationToken ct)
    {
        if (value is null || !value.StartsWith(BlobPrefix, StringComparison.Ordinal))
        {
            return value;
        }

        var content = await payloads.GetBlobClient(value[BlobPrefix.Length..]).DownloadContentAsync(ct);
        return content.Value.Content.ToString();
    }
}
