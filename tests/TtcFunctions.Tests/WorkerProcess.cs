using System.Collections.Concurrent;
using System.Diagnostics;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>The service as a separate process (dotnet TtcFunctions.dll), its output collected, for kill and graceful-stop tests.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Log { get; } = new();

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Starts the service with <paramref name="args"/> (after the host.json and a free port) and waits until it is up.</summary>
    public static async Task<WorkerProcess> StartAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "TtcFunctions.dll"), "--urls", "http://127.0.0.1:0", "--hostJson", Path.Combine(SharedData.RepoRoot, "host.json"), .. args])
        {
            psi.ArgumentList.Add(a);
        }

        var worker = new WorkerProcess(Process.Start(psi)!);
        // Drain both pipes, or a chatty child blocks on a full pipe.
        worker._process.OutputDataReceived += (_, e) => worker.Log.Enqueue(e.Data ?? string.Empty);
        worker._process.ErrorDataReceived += (_, e) => worker.Log.Enqueue(e.Data ?? string.Empty);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!worker.Log.Any(l => l.Contains("Application started", StringComparison.Ordinal)))
        {
            Assert.True(!worker.HasExited && DateTime.UtcNow < deadline, "the worker process did not start:\n" + worker.Tail());
            await Task.Delay(50, ct);
        }

        return worker;
    }

    /// <summary>The last lines it wrote.</summary>
    public string Tail(int lines = 40) => string.Join("\n", Log.TakeLast(lines));

    /// <summary>Lines of its log that contain <paramref name="text"/>.</summary>
    public int Count(string text) => Log.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>kill -9: no shutdown, no cleanup.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(ct);
    }

    /// <summary>SIGTERM, as a container orchestrator stops a process, and waits for it to exit.</summary>
    public async Task TerminateAsync(CancellationToken ct)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(ct);
        }

        await _process.WaitForExitAsync(ct);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
