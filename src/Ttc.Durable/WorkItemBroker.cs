using System.Text.Json;
using Azure;
using Azure.Storage.Queues;

namespace Ttc.Durable;

/// <summary>A work item: which instance to advance. Large payloads stay in blobs; messages carry references.</summary>
/// <param name="InstanceId">The instance.</param>
public sealed record WorkItem(string InstanceId);

/// <summary>A received work item with its lease.</summary>
public sealed class WorkLease(WorkItem item, string messageId, string popReceipt, long dequeueCount, string? body)
{
    /// <summary>The item, or null when the message body is not a work item.</summary>
    public WorkItem? Item { get; } = item;

    /// <summary>Queue message id.</summary>
    public string MessageId { get; } = messageId;

    /// <summary>Current pop receipt (changes on every renewal).</summary>
    public string PopReceipt { get; internal set; } = popReceipt;

    /// <summary>How many times the message has been received, this time included.</summary>
    public long DequeueCount { get; } = dequeueCount;

    /// <summary>The raw body.</summary>
    public string? Body { get; } = body;
}

/// <summary>Competing-consumer work queue with visibility leases and a poison queue.</summary>
public sealed class WorkItemBroker(QueueClient queue, QueueClient poison)
{
    /// <summary>Creates both queues if needed.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Adds a work item, visible after <paramref name="delay"/>.</summary>
    public Task EnqueueAsync(WorkItem item, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        queue.SendMessageAsync(JsonSerializer.Serialize(item), delay, cancellationToken: cancellationToken);

    /// <summary>Takes the next message, hidden from other workers for <paramref name="visibility"/>; null when empty.</summary>
    public async Task<WorkLease?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        var response = await queue.ReceiveMessageAsync(visibility, cancellationToken);
        if (response.Value is not { } m)
        {
            return null;
        }

        WorkItem? item = null;
        try
        {
            item = JsonSerializer.Deserialize<WorkItem>(m.Body.ToString());
        }
        catch (JsonException)
        {
            // A malformed message is poison: the worker moves it aside.
        }

        return new WorkLease(item!, m.MessageId, m.PopReceipt, m.DequeueCount, m.Body.ToString());
    }

    /// <summary>Keeps the message hidden for another <paramref name="visibility"/>.</summary>
    public async Task RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var r = await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken);
        lease.PopReceipt = r.Value.PopReceipt;
    }

    /// <summary>Deletes a finished message; false when the lease was lost to another worker.</summary>
    public async Task<bool> CompleteAsync(WorkLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            await queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            return false;
        }
    }

    /// <summary>Moves a message to the poison queue.</summary>
    public async Task MoveToPoisonAsync(WorkLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await poison.SendMessageAsync(lease.Body ?? string.Empty, cancellationToken: cancellationToken);
        await CompleteAsync(lease, cancellationToken);
    }

    /// <summary>Messages waiting in the poison queue (peeked, up to 32).</summary>
    public async Task<IReadOnlyList<string>> PeekPoisonAsync(CancellationToken cancellationToken = default) =>
        (await poison.PeekMessagesAsync(32, cancellationToken)).Value.Select(m => m.Body.ToString()).ToList();

    /// <summary>Approximate number of messages waiting.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

}
