using TtcFunctions;
using TtcFunctions.Functions;

// Started by the Azure Functions host (it passes --functions-uri): the isolated worker, where the host
// owns the Durable Task engine. Started any other way: the self-host, which runs the same code itself.
if (FunctionsApp.LaunchedByFunctionsHost(args))
{
    await FunctionsApp.Build(args).RunAsync();
    return;
}

var app = HostApp.Build(args);
if (app.Services.GetRequiredService<HostRoles>().Inference)
{
    // Models load before the first request, so a bad model folder fails the start, not a request.
    app.Services.GetRequiredService<InferenceBackends>();
}

await app.RunAsync();
