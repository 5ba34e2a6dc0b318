using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TtcFunctions.Apis;

namespace TtcFunctions.Functions;

/// <summary>The inference functions (OpenAI-compatible completions and model list, PRM scoring) as HTTP triggers over the self-host's handlers.</summary>
internal sealed class InferenceFunctions(IServiceProvider services)
{
    [Function("Completions")]
    public Task<IActionResult> Completions([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Completions)] HttpRequest request) =>
        ResultActionResult.Of(InferenceApi.CompleteAsync(request, services.GetRequiredService<InferenceBackends>(), services.GetRequiredService<HostSettings>(), request.HttpContext.RequestAborted));

    [Function("Models")]
    public IActionResult Models([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Models)] HttpRequest request) =>
        new ResultActionResult(InferenceApi.ListModels(services.GetRequiredService<InferenceBackends>()));

    [Function("Model")]
    public IActionResult Model([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Model)] HttpRequest request, string id) =>
        new ResultActionResult(InferenceApi.GetModel(id, services.GetRequiredService<InferenceBackends>()));

    [Function("ScoreSteps")]
    public Task<IActionResult> ScoreSteps([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Score)] HttpRequest request) =>
        ResultActionResult.Of(InferenceApi.ScoreAsync(request, services.GetRequiredService<InferenceBackends>(), services.GetRequiredService<HostSettings>(), request.HttpContext.RequestAborted));
}
