using System.Globalization;

namespace Ttc.Inference.Onnx;

/// <summary>The CPU's last-level cache, as Linux reports it (sysfs); .NET has no API for it.</summary>
internal static class CpuCache
{
    private static readonly Lazy<long?> Cached = new(() => Read("/sys/devices/system/cpu/cpu0/cache"));

    /// <summary>Bytes of the highest cache level of CPU 0, or null where the system does not say.</summary>
    public static long? LastLevelBytes => Cached.Value;

    /// <summary>The largest-level cache's size under a sysfs cache folder (index*/level, index*/size such as "32768K").</summary>
    internal static long? Read(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        (int Level, long Bytes)? best = null;
        foreach (var index in Directory.EnumerateDirectories(folder, "index*"))
        {
            try
            {
                int level = int.Parse(File.ReadAllText(Path.Combine(index, "level")).Trim(), CultureInfo.InvariantCulture);
                long? bytes = ParseSize(File.ReadAllText(Path.Combine(index, "size")).Trim());
                if (bytes is { } b && (best is null || level > best.Value.Level))
                {
                    best = (level, b);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // A folder the kernel does not fill in says nothing about the others.
            }
        }

        return best?.Bytes;
    }

    /// <summary>"512K", "32M", "1024" (bytes) as bytes; null when it is none of those.</summary>
    internal static long? ParseSize(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        var digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0 ? n * unit : null;
    }
}
