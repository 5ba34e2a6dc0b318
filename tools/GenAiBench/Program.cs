using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using GenAiBench;

// Our generator against ONNX Runtime GenAI on the same model files and workload. Every measurement runs in
// a fresh process (this program with --child), so each has its own peak working set and neither engine
// warms the other's allocator. A greedy check first: both must write the same text from the same prompts.
//   dotnet run -c Release --project tools/GenAiBench -- [--generator large] [--batches 1,16,64]
//     [--prompt-tokens 25] [--new-tokens 128] [--temperature 0.8] [--seconds 4] [--repeat 1] [--check-only] [--json FILE]
// --seconds: the least time measured per engine, setting and batch size (whole rounds, at least two).
// --repeat N: every measurement N times, interleaved; the table reports medians.
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
var opts = Args.Parse(args);
string folder = Args.ModelFolder(opts.GetValueOrDefault("generator", "large"));
var workload = new Workload(
    folder,
    int.Parse(opts.GetValueOrDefault("prompt-tokens", "25"), CultureInfo.InvariantCulture),
    int.Parse(opts.GetValueOrDefault("new-tokens", "128"), CultureInfo.InvariantCulture),
    double.Parse(opts.GetValueOrDefault("temperature", "0.8"), CultureInfo.InvariantCulture),
    double.Parse(opts.GetValueOrDefault("seconds", "4"), CultureInfo.InvariantCulture));

if (opts.TryGetValue("child", out var engine))
{
    string setting = opts["setting"];
    int batch = int.Parse(opts["batch"], CultureInfo.InvariantCulture);
    var m = engine == "ours" ? await OursEngine.MeasureAsync(workload, setting, batch, CancellationToken.None) : GenAiEngine.Measure(workload, setting, batch);
    Console.WriteLine(JsonSerializer.Serialize(m, json));
    return 0;
}

Console.WriteLine($"generator {folder}; {workload.PromptTokens}-token prompts, up to {workload.NewTokens} new tokens (both stop at end-of-sequence), T = {workload.Temperature}; {Environment.ProcessorCount} cores; ONNX Runtime GenAI as pinned in tools/GenAiBench/Directory.Packages.props");
var checkPrompts = workload.Prompts(6);
var ours = await OursEngine.GreedyAsync(workload, checkPrompts, CancellationToken.None);
var genai = GenAiEngine.Greedy(workload, checkPrompts);
int same = ours.Zip(genai).Count(p => p.First == p.Second);
Console.WriteLine($"greedy check: {same}/{ours.Count} prompts give the same text from both engines (GenAI given our tokenizer's ids: its own tokenizer drops our vocabulary's spaces); the first: '{ours[0]}'");
for (int i = 0; i < ours.Count; i++)
{
    if (ours[i] != genai[i])
    {
        Console.WriteLine($"  prompt {i}: ours  '{ours[i]}'\n            genai '{genai[i]}'");
    }
}

if (same != ours.Count || opts.ContainsKey("check-only"))
{
    return same == ours.Count ? 0 : 1;
}

var batches = opts.GetValueOrDefault("batches", "1,16,64").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
// --repeat N: the whole sequence N times over, so that each figure below is a median of N processes spread
// across the run (this machine's speed drifted by up to 1.3x within minutes).
int repeat = int.Parse(opts.GetValueOrDefault("repeat", "1"), CultureInfo.InvariantCulture);
var runs = new List<Measurement>();
for (int pass = 0; pass < repeat; pass++)
{
    foreach (int batch in batches)
    {
        foreach (var (name, settings) in new[] { ("ours", OursEngine.Settings(batch)), ("genai", GenAiEngine.Settings(batch)) })
        {
            foreach (var setting in settings)
            {
                var m = Child(name, setting, batch);
                runs.Add(m);
                Console.WriteLine($"  {m.Engine,-5} {m.Setting,-12} batch {m.Batch,3}: {m.TokensPerSecond,8:F0} tokens/s (prefill {m.PrefillTokensPerSecond,7:F0}, decode {m.DecodeTokensPerSecond,7:F0}; {m.MeanNewTokens:F0} new tokens per sequence; peak {m.PeakWorkingSetMiB:F0} MiB)");
            }
        }
    }
}

// One figure per engine, setting and batch: the median run by tokens/s, with the range of its runs.
var figures = runs.GroupBy(r => (r.Engine, r.Setting, r.Batch))
    .Select(g => (Median: g.OrderBy(r => r.TokensPerSecond).ElementAt(g.Count() / 2), Min: g.Min(r => r.TokensPerSecond), Max: g.Max(r => r.TokensPerSecond)))
    .ToList();
var results = figures.Select(f => f.Median).ToList();
if (repeat > 1)
{
    Console.WriteLine($"medians of {repeat} runs each (range of tokens/s):");
    foreach (var (m, min, max) in figures)
    {
        Console.WriteLine($"  {m.Engine,-5} {m.Setting,-12} batch {m.Batch,3}: {m.TokensPerSecond,8:F0} tokens/s ({min:F0}-{max:F0})");
    }
}

Console.WriteLine();
Console.WriteLine("| batch | ours, best setting | GenAI, best setting | ours / GenAI | ours with ONNX Runtime's attention kernel / GenAI | ours / GenAI, same setting (1 thread; at batch > 1 one sub-batch per core) |");
Console.WriteLine("|---:|---|---|---:|---:|---:|");
foreach (int batch in batches)
{
    var o = results.Where(r => r.Engine == "ours" && r.Batch == batch && !r.Setting.EndsWith("-ort-attention", StringComparison.Ordinal)).MaxBy(r => r.TokensPerSecond)!;
    var oOrt = results.Where(r => r.Engine == "ours" && r.Batch == batch && r.Setting.EndsWith("-ort-attention", StringComparison.Ordinal)).MaxBy(r => r.TokensPerSecond);
    var g = results.Where(r => r.Engine == "genai" && r.Batch == batch).MaxBy(r => r.TokensPerSecond)!;
    string mirror = batch == 1 ? "1-thread" : $"{Environment.ProcessorCount}-parallel";
    var oSame = results.First(r => r.Engine == "ours" && r.Batch == batch && r.Setting == (batch == 1 ? "1-thread" : "sub-batches"));
    var gSame = results.FirstOrDefault(r => r.Engine == "genai" && r.Batch == batch && r.Setting == mirror) ?? g;
    string ort = oOrt is null ? "(kernel not built)" : $"{oOrt.TokensPerSecond / g.TokensPerSecond:F2}x";
    Console.WriteLine($"| {batch} | {o.TokensPerSecond:F0} tokens/s ({o.Setting}) | {g.TokensPerSecond:F0} tokens/s ({g.Setting}) | {o.TokensPerSecond / g.TokensPerSecond:F2}x | {ort} | {oSame.TokensPerSecond / gSame.TokensPerSecond:F2}x |");
}

if (opts.TryGetValue("json", out var file))
{
    File.WriteAllText(file, JsonSerializer.Serialize(new { folder, workload.PromptTokens, workload.NewTokens, workload.Temperature, workload.Seconds, Repeat = repeat, Cores = Environment.ProcessorCount, Medians = results, Runs = runs }, json));
}

return 0;

Measurement Child(string engine, string setting, int batch)
{
    // Under `dotnet GenAiBench.dll` the process is the dotnet host: the entry assembly goes first.
    var self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
    }

    foreach (var a in new[] { "--child", engine, "--setting", setting, "--batch", batch.ToString(CultureInfo.InvariantCulture), "--generator", folder, "--prompt-tokens", workload.PromptTokens.ToString(CultureInfo.InvariantCulture), "--new-tokens", workload.NewTokens.ToString(CultureInfo.InvariantCulture), "--temperature", workload.Temperature.ToString(CultureInfo.InvariantCulture), "--seconds", workload.Seconds.ToString(CultureInfo.InvariantCulture) })
    {
        start.ArgumentList.Add(a);
    }

    using var p = Process.Start(start)!;
    var stderr = p.StandardError.ReadToEndAsync();
    string stdout = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return p.ExitCode == 0
        ? JsonSerializer.Deserialize<Measurement>(stdout, json)!
        : throw new InvalidOperationException($"{engine} {setting} batch {batch} failed (exit {p.ExitCode}): {stderr.Result}");
}
