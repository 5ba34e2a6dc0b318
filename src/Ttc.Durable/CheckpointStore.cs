using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>The checkpoint could not be read: bad JSON or another schema version. The instance fails; it is never retried.</summary>
public sealed class CheckpointCorruptException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointCorruptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CheckpointCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without details.</summary>
    public CheckpointCorruptException()
    {
    }
}

/// <summary>Another worker wrote the checkpoint first (its ETag moved on): this worker's step is not applied.</summary>
public sealed class CheckpointConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CheckpointConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without details.</summary>
    public CheckpointConflictException()
    {
    }
}

/// <summary>A loaded checkpoint and the ETag the next write must match.</summary>
/// <param name="State">The search state.</param>
/// <param name="ETag">Its blob's ETag.</param>
/// <param name="Bytes">Size of the stored JSON.</param>
public sealed record Checkpoint(SearchState State, ETag ETag, long Bytes);

/// <summary>Search trees in Blob storage, one blob per instance, written with ETag concurrency.</summary>
public sealed class CheckpointStore(BlobContainerClient container)
{
    private static JsonSerializerOptions Json => TtcJson.Options;

    /// <summary>Creates the container if needed.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    private BlobClient Blob(string instanceId) => container.GetBlobClient($"{instanceId}/state.json");

    /// <summary>The latest checkpoint, or null when none was written.</summary>
    /// <exception cref="CheckpointCorruptException">It is not valid JSON of the current schema.</exception>
    public async Task<Checkpoint?> LoadAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        Response<BlobDownloadResult> response;
        try
        {
            response = await Blob(instanceId).DownloadContentAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        var content = response.Value.Content;
        SearchState? state;
        try
        {
            state = JsonSerializer.Deserialize<SearchState>(content, Json);
        }
        catch (JsonException ex)
        {
            throw new CheckpointCorruptException($"Checkpoint of instance '{instanceId}' is not valid JSON: {ex.Message}", ex);
        }

        if (state is null)
        {
            throw new CheckpointCorruptException($"Checkpoint of instance '{instanceId}' is empty.");
        }

        if (state.SchemaVersion != SearchState.CurrentSchemaVersion)
        {
            throw new CheckpointCorruptException($"Checkpoint of instance '{instanceId}' has schema version {state.SchemaVersion}; this worker reads version {SearchState.CurrentSchemaVersion}.");
        }

        return new Checkpoint(state, response.Value.Details.ETag, content.ToMemory().Length);
    }

    /// <summary>
    /// Writes <paramref name="state"/> if the stored checkpoint still has <paramref name="expected"/>
    /// (null: only if none exists). Returns the new checkpoint.
    /// </summary>
    /// <exception cref="CheckpointConflictException">Another writer got there first.</exception>
    public async Task<Checkpoint> SaveAsync(string instanceId, SearchState state, ETag? expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var data = BinaryData.FromObjectAsJson(state, Json);
        var conditions = expected is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            var response = await Blob(instanceId).UploadAsync(data, new BlobUploadOptions { Conditions = conditions }, cancellationToken);
            return new Checkpoint(state, response.Value.ETag, data.ToMemory().Length);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new CheckpointConflictException($"Checkpoint of instance '{instanceId}' was written by another worker (step {state.Iteration} not applied).", ex);
        }
    }

    /// <summary>Deletes the checkpoint.</summary>
    public Task DeleteAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Blob(instanceId).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Overwrites the raw checkpoint (tests and repair tools).</summary>
    public Task WriteRawAsync(string instanceId, string json, CancellationToken cancellationToken = default) =>
        Blob(instanceId).UploadAsync(BinaryData.FromString(json), overwrite: true, cancellationToken);
}
