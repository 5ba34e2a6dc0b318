using System.Text.Json;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>A tokenized PRM input, the positions whose logits give the step scores, and how many steps were cut off.</summary>
internal sealed record PrmInput(int[] Ids, int[] Positions, int TruncatedSteps = 0)
{
    /// <summary>
    /// The input cut to <paramref name="maxPositions"/> tokens: the steps whose score position fits are
    /// kept (the model is causal, so what follows them does not change their scores); the rest are
    /// counted as truncated rather than scored at positions the model was never trained on.
    /// </summary>
    public PrmInput Fit(int maxPositions)
    {
        if (Ids.Length <= maxPositions)
        {
            return this;
        }

        var kept = Positions.Where(p => p < maxPositions).ToArray();
        return new PrmInput(Ids[..maxPositions], kept, TruncatedSteps + Positions.Length - kept.Length);
    }
}

/// <summary>Builds PRM inputs in the model's convention and turns logits into step scores.</summary>
internal sealed class PrmPrompts
{
    private const char Hole = '\u0001';
    private const string QwenPrmSystem = "Please reason step by step, and put your final answer within \\boxed{}.";

    private readonly ModelFolder _folder;
    private readonly string _tag;
    private readonly int _tagId;
    private readonly int _positive;
    private readonly int _plusId;
    private readonly int _minusId;

    private PrmPrompts(ModelFolder folder, PrmConvention convention, string tag, int tagId, int positive, int plusId, int minusId)
    {
        _folder = folder;
        Convention = convention;
        _tag = tag;
        _tagId = tagId;
        _positive = positive;
        _plusId = plusId;
        _minusId = minusId;
    }

    public PrmConvention Convention { get; }

    public static PrmPrompts Create(ModelFolder folder, PrmConvention? requested, string? stepTag)
    {
        var section = folder.Config.TryGetProperty("prm", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        string? Field(string name) => section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var v) ? v.ToString() : null;
        var convention = requested ?? Field("convention") switch
        {
            "step_tag_two_class" => PrmConvention.StepTagTwoClass,
            "plus_minus_turns" => PrmConvention.PlusMinusTurns,
            "plus_minus_tag" => PrmConvention.PlusMinusTag,
            null => folder.ConfigInt("num_labels", 0) == 2 ? PrmConvention.StepTagTwoClass : PrmConvention.PlusMinusTurns,
            var other => throw new ModelLoadException($"'{folder.Path}/config.json': unknown prm.convention '{other}' (expected step_tag_two_class, plus_minus_turns or plus_minus_tag)."),
        };
        var tok = folder.Tokenizer;
        var tag = stepTag ?? Field("step_tag") ?? (convention == PrmConvention.PlusMinusTag ? "ки" : "<extra_0>");
        int tagId = -1, plus = -1, minus = -1;
        if (convention != PrmConvention.PlusMinusTurns)
        {
            tagId = tok.Encode(tag) is [var only] ? only : throw new ModelLoadException($"'{folder.Path}': the step tag '{tag}' is not a single token of its tokenizer.");
        }

        if (convention != PrmConvention.StepTagTwoClass)
        {
            plus = tok.TokenToId("+") ?? throw new ModelLoadException($"'{folder.Path}': the tokenizer has no '+' token for the plus/minus convention.");
            minus = tok.TokenToId("-") ?? throw new ModelLoadException($"'{folder.Path}': the tokenizer has no '-' token for the plus/minus convention.");
        }

        int positive = int.TryParse(Field("positive_index"), out var p) ? p : 1;
        return new PrmPrompts(folder, convention, tag, tagId, positive, plus, minus);
    }

    public PrmInput Encode(ScoreRequest request)
    {
        var steps = request.Steps;
        var tok = _folder.Tokenizer;
        switch (Convention)
        {
            case PrmConvention.StepTagTwoClass:
                {
                    var text = _folder.Template.Render(QwenPrmSystem, request.Problem, string.Concat(steps.Select(st => st + _tag)));
                    var ids = tok.Encode(text).ToArray();
                    return new PrmInput(ids, Enumerable.Range(0, ids.Length).Where(i => ids[i] == _tagId).TakeLast(steps.Count).ToArray());
                }

            case PrmConvention.PlusMinusTurns:
                {
                    // Each "+" sits in a hole; the logits just before it predict it.
                    var turns = steps.SelectMany((st, i) => new[] { ("user", i == 0 ? request.Problem + " " + st : st), ("assistant", Hole.ToString()) });
                    return FillHoles(_folder.Template.RenderTurns(turns), _plusId, offset: -1);
                }

            default:
                {
                    var text = request.Problem + " " + string.Concat(steps.Select(st => st + " " + Hole + "\n"));
                    return FillHoles(text, _tagId, offset: 0);
                }
        }
    }

    private PrmInput FillHoles(string text, int holeToken, int offset)
    {
        var ids = new List<int>();
        var positions = new List<int>();
        var pieces = text.Split(Hole);
        for (int i = 0; i < pieces.Length; i++)
        {
            ids.AddRange(_folder.Tokenizer.Encode(pieces[i]));
            if (i < pieces.Length - 1)
            {
                ids.Add(holeToken);
                positions.Add(ids.Count - 1 + offset);
            }
        }

        return new PrmInput([.. ids], [.. positions]);
    }

    public double StepScore(ReadOnlySpan<float> logits)
    {
        if (Convention == PrmConvention.StepTagTwoClass)
        {
            double max = System.Math.Max(logits[0], logits[1]);
            double a = System.Math.Exp(logits[0] - max), b = System.Math.Exp(logits[1] - max);
            return (_positive == 1 ? b : a) / (a + b);
        }

        return 1.0 / (1.0 + System.Math.Exp(logits[_minusId] - logits[_plusId]));
    }
}
