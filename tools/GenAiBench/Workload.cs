using System.Globalization;
using Ttc.Inference;

namespace GenAiBench;

/// <summary>What both engines run: the same prompts (as text for ours, as token ids for GenAI), new tokens and temperature.</summary>
internal sealed record Workload(string Folder, int PromptTokens, int NewTokens, double Temperature, double Seconds)
{
    private readonly Lazy<ModelFolder> _model = new(() => ModelFolder.Open(Folder));

    /// <summary>The vocabulary size (config.json).</summary>
    public int VocabSize => _model.Value.ConfigInt("vocab_size", 0);

    /// <summary>End-of-sequence ids, as our generator reads them.</summary>
    public IReadOnlySet<int> EosIds => _model.Value.EosTokenIds.ToHashSet();

    /// <summary>
    /// Whether to run another measured round (after two warm-up rounds): at least two, and until <see cref="Seconds"/>
    /// have passed. One round at batch 64 lasts under a second, too short to compare engines on a shared machine.
    /// </summary>
    public bool Another(int rounds, TimeSpan elapsed) => rounds < 2 || elapsed.TotalSeconds < Seconds;

    /// <summary>
    /// <paramref name="batch"/> chat prompts of exactly <see cref="PromptTokens"/> tokens each, with their ids from our
    /// tokenizer. GenAI is given the ids: its own tokenizer drops the spaces of our character vocabulary's
    /// tokenizer.json (it reads a BPE tokenizer.json as byte-level, where a space is 'Ġ'), so its encoding differs.
    /// </summary>
    public IReadOnlyList<(string Text, int[] Ids)> Prompts(int batch)
    {
        var model = _model.Value;
        var prompts = new List<(string, int[])>();
        for (int i = 0; i < batch; i++)
        {
            string problem = string.Create(CultureInfo.InvariantCulture, $"Compute {i % 9 + 1} * 7 + {i % 5 + 2} - 3.");
            while (problem.Length < PromptTokens)
            {
                problem += string.Create(CultureInfo.InvariantCulture, $" Then add {i % 7 + 1}.");
            }

            // The chat frame takes three tokens; the character vocabulary makes one token per character of the problem.
            string text = model.Template.Render(null, problem[..Math.Max(1, PromptTokens - 3)], string.Empty);
            var ids = model.Tokenizer.Encode(text).ToArray();
            if (ids.Length != PromptTokens)
            {
                throw new InvalidOperationException($"prompt '{text}' has {ids.Length} tokens, not {PromptTokens}: this workload assumes the shipped character vocabulary");
            }

            prompts.Add((text, ids));
        }

        return prompts;
    }
}

/// <summary>One engine, setting and batch size measured in its own process.</summary>
internal sealed record Measurement(
    string Engine,
    string Setting,
    int Batch,
    int Rounds,
    double TokensPerSecond,
    double PrefillTokensPerSecond,
    double DecodeTokensPerSecond,
    double MeanNewTokens,
    double PeakWorkingSetMiB);
