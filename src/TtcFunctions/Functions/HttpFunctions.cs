using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Ttc.Orchestrations;
using TtcFunctions.Apis;

namespace TtcFunctions.Functions;

/// <summary>The solve and batch API as HTTP-triggered functions: each a thin wrapper over the handler the self-host maps to the same route.</summary>
internal sealed class HttpFunctions(HostSettings settings, PublicUrls urls, BlobServiceClient blobs, StorageNames names, HostRoles roles, ContextCheck context)
{
    [Function("Solve")]
    public Task<IActionResult> Solve(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Solve)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        ResultActionResult.Of(SolveApi.StartAsync(request, new FunctionsOrchestrationClient(client), settings, urls, context, request.HttpContext.RequestAborted));

    [Function("GetInstance")]
    public Task<IActionResult> GetInstance(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Instance)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ResultActionResult.Of(SolveApi.StatusAsync(id, request, new FunctionsOrchestrationClient(client), urls, request.HttpContext.RequestAborted));

    [Function("ListInstances")]
    public static Task<IActionResult> ListInstances(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Instances)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        ResultActionResult.Of(SolveApi.ListAsync(request, new FunctionsOrchestrationClient(client), request.HttpContext.RequestAborted));

    [Function("TerminateInstance")]
    public static Task<IActionResult> TerminateInstance(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Terminate)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ResultActionResult.Of(SolveApi.TerminateAsync(id, request, new FunctionsOrchestrationClient(client), request.HttpContext.RequestAborted));

    [Function("PurgeInstance")]
    public Task<IActionResult> PurgeInstance(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Instance)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        ResultActionResult.Of(SolveApi.PurgeAsync(id, new FunctionsOrchestrationClient(client), blobs, names, request.HttpContext.RequestAborted));

    [Function("StartBatch")]
    public Task<IActionResult> StartBatch(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Batches)] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        ResultActionResult.Of(BatchApi.StartAsync(request, new FunctionsOrchestrationClient(client), settings, blobs, urls, request.HttpContext.RequestAborted));

    [Function("Health")]
    public IActionResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest request) =>
        new ResultActionResult(HostApp.Health(roles));
}
