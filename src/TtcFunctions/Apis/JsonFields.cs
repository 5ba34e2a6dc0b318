using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtcFunctions.Apis;

/// <summary>Reads a JSON request body field by field, collecting errors that name the field.</summary>
internal sealed class JsonFields(JsonObject body)
{
    public Dictionary<string, string[]> Errors { get; } = [];

    public JsonObject Body { get; } = body;

    public void Fail(string field, string message) => Errors[field] = [message];

    public string? String(string field, bool required)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required)
            {
                Fail(field, "is required");
            }

            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        Fail(field, "must be a string");
        return null;
    }

    public T Number<T>(string field, T fallback)
        where T : struct
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null)
        {
            return fallback;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<T>(out var n))
        {
            return n;
        }

        Fail(field, $"must be a {(typeof(T) == typeof(double) ? "number" : "whole number")}");
        return fallback;
    }

    public bool Bool(string field, bool fallback)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null)
        {
            return fallback;
        }

        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return node.GetValue<bool>();
        }

        Fail(field, "must be true or false");
        return fallback;
    }

    /// <summary>A string or an array of strings.</summary>
    public List<string>? Strings(string field, bool required)
    {
        if (!Body.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required)
            {
                Fail(field, "is required");
            }

            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var single))
        {
            return [single];
        }

        if (node is JsonArray a && a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _)))
        {
            return a.Select(x => x!.GetValue<string>()).ToList();
        }

        Fail(field, "must be a string or an array of strings");
        return null;
    }

    /// <summary>
    /// Adds "unknown field 'x'" for every top-level field not in <paramref name="allowed"/> (with the
    /// known name it resembles, e.g. beam_width for beamWidth), so a misspelt setting is never
    /// silently replaced by its default.
    /// </summary>
    public void RejectUnknown(IEnumerable<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var known = allowed.ToList();
        foreach (var (name, _) in Body)
        {
            if (known.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            var like = known.FirstOrDefault(k => string.Equals(Squash(k), Squash(name), StringComparison.OrdinalIgnoreCase));
            Fail(name, like is null ? $"unknown field '{name}'" : $"unknown field '{name}' (did you mean '{like}'?)");
        }
    }

    /// <summary>Parses a request body: a JSON object, or an error result (RFC 7807 problem details).</summary>
    public static async Task<(JsonFields? Fields, IResult? Error)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var (fields, failure) = await ParseAsync(request, maxBytes, ct);
        return fields is not null
            ? (fields, null)
            : (null, Results.Problem(title: failure!.Title, detail: failure.Detail, statusCode: failure.Status));
    }

    /// <summary>
    /// Parses a request body into a JSON object. Malformed JSON, duplicate keys, a string with a lone
    /// UTF-16 surrogate, a body that is not an object and one over <paramref name="maxBytes"/> are
    /// failures (400 or 413) that say what is wrong, never exceptions.
    /// </summary>
    public static async Task<(JsonFields? Fields, BodyFailure? Failure)> ParseAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (null, new BodyFailure(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The body has {request.ContentLength} bytes; at most {maxBytes} are accepted."));
        }

        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return (null, new BodyFailure(StatusCodes.Status400BadRequest, "Malformed JSON", ex.Message));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check decodes every field name, and a name with an unpaired surrogate escape cannot be decoded.
            return (null, new BodyFailure(StatusCodes.Status400BadRequest, "Malformed JSON", LoneSurrogate("a field name")));
        }

        if (node is not JsonObject o)
        {
            return (null, new BodyFailure(StatusCodes.Status400BadRequest, "Invalid request body", "The body must be a JSON object."));
        }

        return Unreadable(o, string.Empty) is { } where
            ? (null, new BodyFailure(StatusCodes.Status400BadRequest, "Malformed JSON", LoneSurrogate(where)))
            : (new JsonFields(o), null);
    }

    private static string LoneSurrogate(string where) => $"{where}: the text has a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape), which is not valid Unicode.";

    /// <summary>The path of the first string (value or key) that is not valid UTF-16, or null.</summary>
    private static string? Unreadable(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    if (!IsValidUtf16(key))
                    {
                        return path.Length == 0 ? "a field name" : $"a field name in {path}";
                    }

                    if (Unreadable(value, at) is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (Unreadable(a[i], $"{path}[{i}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    return IsValidUtf16(v.GetValue<string>()) ? null : path;
                }
                catch (InvalidOperationException)
                {
                    // System.Text.Json refuses to decode an unpaired surrogate escape.
                    return path;
                }

            default:
                return null;
        }
    }

    private static bool IsValidUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Squash(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
}

/// <summary>Why a request body could not be read.</summary>
/// <param name="Status">400 or 413.</param>
/// <param name="Title">A short title ("Malformed JSON").</param>
/// <param name="Detail">What is wrong, for the client.</param>
internal sealed record BodyFailure(int Status, string Title, string Detail);
