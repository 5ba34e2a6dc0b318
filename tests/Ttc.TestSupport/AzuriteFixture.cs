using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ttc.TestSupport;

/// <summary>
/// A real Azurite (from tests/npm, which .ci/run installs) on free loopback ports with its own data
/// folder, for the life of a test collection. TTC_TEST_STORAGE names an already running account instead.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;
    private string? _folder;

    /// <summary>Connection string of the running emulator.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Why the emulator is not available (tests skip with this), or null.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("TTC_TEST_STORAGE");
        if (!string.IsNullOrEmpty(given))
        {
            ConnectionString = given;
            return;
        }

        var bin = Path.Combine(SharedData.RepoRoot, "tests", "npm", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
        {
            Unavailable = $"Azurite is not installed at {bin}: run 'npm install --no-package-lock' in tests/npm (.ci/run does), or set TTC_TEST_STORAGE.";
            return;
        }

        int blob = FreePort(), queue = FreePort(), table = FreePort();
        _folder = Directory.CreateTempSubdirectory("ttc-azurite-").FullName;
        var psi = new ProcessStartInfo(bin)
        {
            ArgumentList =
            {
                "--silent", "--skipApiVersionCheck", "--loose", "--location", _folder,
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Listening(blob) && Listening(queue) && Listening(table)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Unavailable = $"Azurite did not start (exit {(_process.HasExited ? _process.ExitCode : -1)}): {await _process.StandardError.ReadToEndAsync()}";
                return;
            }

            await Task.Delay(100);
        }

        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};"
            + $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
    }

    /// <summary>Skips the calling test when the emulator could not be started.</summary>
    public void Require() => Assert.SkipWhen(Unavailable is not null, "Skipped: " + Unavailable);

    public ValueTask DisposeAsync()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }

            _process?.Dispose();
            if (_folder is not null)
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Cleanup must never hide a test's real failure.
        }

        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
