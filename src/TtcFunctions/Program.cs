using TtcFunctions;

var app = HostApp.Build(args);
if (app.Services.GetRequiredService<HostRoles>().Inference)
{
    // Models load before the first request, so a bad model folder fails the start, not a request.
    app.Services.GetRequiredService<InferenceBackends>();
}

await app.RunAsync();
