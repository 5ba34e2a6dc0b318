using Microsoft.AspNetCore.Mvc;

namespace TtcFunctions.Functions;

/// <summary>Runs a minimal-API result from an HTTP trigger, which returns MVC action results.</summary>
internal sealed class ResultActionResult(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return result.ExecuteAsync(context.HttpContext);
    }

    public static async Task<IActionResult> Of(Task<IResult> result) => new ResultActionResult(await result);
}
