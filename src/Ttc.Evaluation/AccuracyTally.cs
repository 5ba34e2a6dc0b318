using System.Globalization;
using System.Text.Json.Nodes;

namespace Ttc.Evaluation;

/// <summary>
/// The one accuracy aggregation (eval rows, replay tables, batch summaries): correct answers
/// over problems, overall and per difficulty level.
/// </summary>
public sealed class AccuracyTally
{
    private readonly SortedDictionary<int, (int Correct, int Problems)> _perLevel = [];

    /// <summary>Problems counted.</summary>
    public int Problems { get; private set; }

    /// <summary>Problems answered correctly.</summary>
    public int Correct { get; private set; }

    /// <summary>Share answered correctly (0 when empty).</summary>
    public double Accuracy => Problems == 0 ? 0 : (double)Correct / Problems;

    /// <summary>Levels seen, in order.</summary>
    public IEnumerable<int> Levels => _perLevel.Keys;

    /// <summary>Counts one problem.</summary>
    public void Add(int? level, bool correct)
    {
        Problems++;
        Correct += correct ? 1 : 0;
        if (level is { } l)
        {
            var (c, t) = _perLevel.GetValueOrDefault(l);
            _perLevel[l] = (c + (correct ? 1 : 0), t + 1);
        }
    }

    /// <summary>Accuracy at <paramref name="level"/>, or null when no problem had it.</summary>
    public double? AccuracyAt(int level) => _perLevel.TryGetValue(level, out var v) ? (double)v.Correct / v.Problems : null;

    /// <summary>Accuracy per level.</summary>
    public IReadOnlyDictionary<int, double> PerLevel => _perLevel.ToDictionary(p => p.Key, p => (double)p.Value.Correct / p.Value.Problems);

    /// <summary><c>{accuracy, correct, problems, accuracyPerLevel: {"1": {accuracy, correct, problems}, ...}}</c>.</summary>
    public JsonObject ToJson()
    {
        var levels = new JsonObject();
        foreach (var (level, (c, t)) in _perLevel)
        {
            levels[level.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["accuracy"] = Round((double)c / t), ["correct"] = c, ["problems"] = t };
        }

        return new JsonObject { ["accuracy"] = Round(Accuracy), ["correct"] = Correct, ["problems"] = Problems, ["accuracyPerLevel"] = levels };
    }

    private static double Round(double x) => System.Math.Round(x, 4);
}
