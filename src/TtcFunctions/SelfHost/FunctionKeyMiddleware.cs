namespace TtcFunctions.SelfHost;

/// <summary>
/// Function-key auth as in Azure Functions: the key in the <c>x-functions-key</c> header or the
/// <c>code</c> query parameter (OpenAI clients may send it as a bearer token). Installed only when
/// TTC_FUNCTION_KEY is configured; without it every call is allowed (local use).
/// </summary>
internal sealed class FunctionKeyMiddleware(RequestDelegate next, string key)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) && !context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal)
            || context.Request.Path.Equals("/api/health", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        string? given = context.Request.Headers["x-functions-key"].FirstOrDefault()
            ?? context.Request.Query["code"].FirstOrDefault()
            ?? BearerToken(context.Request.Headers.Authorization.FirstOrDefault());
        if (given is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(key)))
        {
            await Results.Problem(
                title: "Unauthorized",
                detail: given is null ? "A function key is required: send it in the x-functions-key header or the code query parameter." : "The function key is not valid.",
                statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static string? BearerToken(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
