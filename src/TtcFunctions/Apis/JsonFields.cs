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

    /// <summary>Parses a request body: a JSON object, or an error result.</summary>
    public static async Task<(JsonFields? Fields, IResult? Error)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, Results.Problem(title: "Request body too large", detail: $"The body has {request.ContentLength} bytes; at most {maxBytes} are accepted.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
            return node is JsonObject o
                ? (new JsonFields(o), null)
                : (null, Results.Problem(title: "Invalid request body", detail: "The body must be a JSON object.", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (JsonException ex)
        {
            return (null, Results.Problem(title: "Malformed JSON", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest));
        }
    }
}
