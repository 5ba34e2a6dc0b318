using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Math;

namespace Ttc.Evaluation;

/// <summary>One problem to solve and grade.</summary>
/// <param name="Id">unique_id, id or idx (else "line N").</param>
/// <param name="Problem">The statement.</param>
/// <param name="Answer">The gold answer.</param>
/// <param name="Level">Difficulty level 1-5, if the dataset gives one.</param>
public sealed record EvalProblem(string Id, string Problem, string Answer, int? Level);

/// <summary>A line of a dataset that could not be read, and why.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record SkippedLine(int Line, string Reason);

/// <summary>
/// The one dataset loader: JSONL in the MATH-500 shape (problem, answer, level, unique_id; the
/// synthetic set and AIME/AMC files too), or GSM8K's (question, answer ending "#### N", idx).
/// Reads text only; callers open files or blobs.
/// </summary>
public static class Dataset
{
    /// <summary>
    /// The problems of <paramref name="reader"/>, at most <paramref name="limit"/> of them; malformed lines
    /// are reported to <paramref name="skipped"/> and left out.
    /// </summary>
    public static List<EvalProblem> Read(TextReader reader, int? limit = null, Action<SkippedLine>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var problems = new List<EvalProblem>();
        int number = 0;
        while ((limit is null || problems.Count < limit) && reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (Parse(line, number, out var reason) is { } p)
            {
                problems.Add(p);
            }
            else
            {
                skipped?.Invoke(new SkippedLine(number, reason!));
            }
        }

        return problems;
    }

    /// <summary>One dataset line, or null with the reason.</summary>
    public static EvalProblem? Parse(string line, int number, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonObject? o;
        try
        {
            o = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException ex)
        {
            reason = "invalid JSON: " + ex.Message;
            return null;
        }

        if (o is null)
        {
            reason = "not a JSON object";
            return null;
        }

        return FromJson(o, number, out reason);
    }

    /// <summary>The problem in a parsed line, or null with the reason.</summary>
    public static EvalProblem? FromJson(JsonObject o, int number, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problem = Text(o, "problem") ?? Text(o, "question");
        if (problem is null || string.IsNullOrWhiteSpace(problem))
        {
            reason = "needs a 'problem' (or GSM8K 'question') string";
            return null;
        }

        var answer = Gold(o, out reason);
        return answer is null ? null : new EvalProblem(Id(o, number), problem, answer, Level(o["level"]));
    }

    /// <summary>
    /// The gold answer: 'answer' (a string or number; GSM8K's worked answer cut to what follows "####"),
    /// else the boxed answer of 'solution'; null with the reason when there is none.
    /// </summary>
    public static string? Gold(JsonObject o, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(o);
        reason = null;
        if (Text(o, "answer") is { } answer)
        {
            int hashes = answer.LastIndexOf("####", StringComparison.Ordinal);
            return hashes < 0 ? answer : answer[(hashes + 4)..].Trim().Replace(",", string.Empty, StringComparison.Ordinal);
        }

        if (Text(o, "solution") is { } solution && AnswerExtractor.Extract(solution) is { } boxed)
        {
            return boxed;
        }

        reason = "needs an 'answer' (a string or number, or a 'solution' with a boxed answer)";
        return null;
    }

    /// <summary>unique_id, id or idx, else "line N".</summary>
    public static string Id(JsonObject o, int number)
    {
        ArgumentNullException.ThrowIfNull(o);
        return Text(o, "unique_id") ?? Text(o, "id") ?? Text(o, "idx") ?? $"line {number}";
    }

    /// <summary>A level given as 3 or "Level 3"; null when absent or unreadable.</summary>
    public static int? Level(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && int.TryParse(v.GetValue<string>().Replace("Level", string.Empty, StringComparison.OrdinalIgnoreCase).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>A string field, or a number written as text (numeric answers and ids); null otherwise.</summary>
    private static string? Text(JsonObject o, string name) => o[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };
}
