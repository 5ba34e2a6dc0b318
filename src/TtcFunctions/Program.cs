using Ttc.Inference;
using TtcFunctions;
using TtcFunctions.Functions;

// Started by the Azure Functions host (it passes --functions-uri): the isolated worker, where the host
// owns the Durable Task engine. Started any other way: the self-host, which runs the same code itself.
if (FunctionsApp.LaunchedByFunctionsHost(args))
{
    await FunctionsApp.Build(args).RunAsync();
    return 0;
}

WebApplication app;
try
{
    app = HostApp.Build(args);
    if (app.Services.GetRequiredService<HostRoles>().Inference)
    {
        // Models load before the first request, so a bad model folder or a missing CUDA library fails the start, not a request.
        app.Services.GetRequiredService<InferenceBackends>();
    }
}
catch (Exception ex) when (ex is ModelLoadException or InvalidOperationException or ArgumentException)
{
    // Settings, roles and models are the user's to fix: the reason, not a stack trace.
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 1;
}

await app.RunAsync();
return 0;
