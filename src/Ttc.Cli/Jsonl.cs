using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ttc.Cli;

/// <summary>A JSONL line that parsed to an object, with its 1-based line number.</summary>
internal sealed record JsonlLine(int Number, JsonObject Value);

/// <summary>Reads JSONL, reporting each malformed line with its number instead of stopping.</summary>
internal static class Jsonl
{
    /// <summary>Opens <paramref name="path"/>, or standard input for null or "-".</summary>
    public static TextReader Open(string? path, TextReader stdin) =>
        path is null or "-" ? stdin : new StreamReader(path);

    /// <summary>Yields the objects of <paramref name="reader"/>; blank lines are ignored, bad ones reported to <paramref name="errors"/>.</summary>
    public static IEnumerable<JsonlLine> Read(TextReader reader, TextWriter errors, Action onSkipped)
    {
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject? obj = null;
            string? problem = null;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject;
                problem = obj is null ? "not a JSON object" : null;
            }
            catch (JsonException ex)
            {
                problem = "invalid JSON: " + ex.Message;
            }

            if (obj is null)
            {
                errors.WriteLine($"line {number}: {problem}; skipped");
                onSkipped();
                continue;
            }

            yield return new JsonlLine(number, obj);
        }
    }

    /// <summary>The string field <paramref name="name"/>, or an error message naming it.</summary>
    public static string? GetString(JsonObject obj, string name, out string? error, bool allowNumber = false)
    {
        error = null;
        if (!obj.TryGetPropertyValue(name, out var node) || node is null)
        {
            error = $"missing field '{name}'";
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (allowNumber && node is JsonValue num && (num.TryGetValue<double>(out _) || num.TryGetValue<long>(out _)))
        {
            return node.ToJsonString(); // numeric gold answers (e.g. AMC) are fine
        }

        error = $"field '{name}' must be a string";
        return null;
    }
}
