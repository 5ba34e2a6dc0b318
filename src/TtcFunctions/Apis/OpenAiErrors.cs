using System.Text.Json.Nodes;

namespace TtcFunctions.Apis;

/// <summary>
/// Errors of the <c>/v1/*</c> routes in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>,
/// which OpenAI clients turn into their API error with the status and message (RFC 7807 problem
/// details, used by <c>/api/*</c>, show there as "400 status code (no body)").
/// </summary>
internal static class OpenAiErrors
{
    /// <summary>The error object (also sent as an SSE event when a stream fails after it started).</summary>
    public static JsonObject Body(string message, string type, string? param, string? code) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["param"] = param,
            ["code"] = code,
        },
    };

    /// <summary>An error response.</summary>
    public static IResult Error(int status, string message, string type, string? param = null, string? code = null) =>
        Results.Json(Body(message, type, param, code), statusCode: status);

    /// <summary>400 invalid_request_error naming <paramref name="param"/>.</summary>
    public static IResult InvalidRequest(string? param, string message, string? code = null) =>
        Error(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>400 naming the first field with an error; the message lists them all ("n: must be ...; stop: ...").</summary>
    public static IResult InvalidFields(Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var message = string.Join("; ", errors.SelectMany(e => e.Value.Select(m => m.StartsWith("unknown field", StringComparison.Ordinal) ? m : $"{e.Key}: {m}")));
        return InvalidRequest(errors.Keys.First(), message);
    }

    /// <summary>An unreadable body (malformed JSON, too large, not an object).</summary>
    public static IResult Unreadable(BodyFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Error(failure.Status, $"{failure.Title}: {failure.Detail}", "invalid_request_error");
    }

    /// <summary>404 model_not_found, listing the served models.</summary>
    public static IResult ModelNotFound(string model, IEnumerable<string> served) =>
        Error(StatusCodes.Status404NotFound, $"The model '{model}' does not exist; this server serves {string.Join(", ", served.Select(s => $"'{s}'"))} (GET /v1/models).", "invalid_request_error", "model", "model_not_found");

    /// <summary>400 context_length_exceeded.</summary>
    public static IResult ContextLengthExceeded(string param, string message) => InvalidRequest(param, message, "context_length_exceeded");
}
