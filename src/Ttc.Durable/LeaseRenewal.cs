namespace Ttc.Durable;

/// <summary>Keeps a message invisible while its job runs: renews the lease every third of its timeout.</summary>
internal sealed class LeaseRenewal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseRenewal(WorkItemBroker broker, WorkLease lease, TimeSpan visibility)
    {
        _loop = Task.Run(async () =>
        {
            var every = TimeSpan.FromTicks(System.Math.Max(TimeSpan.FromMilliseconds(200).Ticks, visibility.Ticks / 3));
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(every, _stop.Token);
                    await broker.RenewAsync(lease, visibility, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Azure.RequestFailedException)
                {
                    // The lease is lost (another worker took the message): the ETag on the checkpoint
                    // keeps this worker from applying a step twice, so it can simply stop renewing.
                    return;
                }
            }
        });
    }

    /// <summary>Stops renewing and waits until no renewal is in flight, so the pop receipt is stable.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
