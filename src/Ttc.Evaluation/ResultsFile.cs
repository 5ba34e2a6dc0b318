namespace Ttc.Evaluation;

/// <summary>
/// results.jsonl: one <see cref="EvalLine"/> per line, appended as problems finish and flushed at once,
/// so a run that is stopped (Ctrl-C, a kill) keeps every finished problem and a rerun resumes from it.
/// </summary>
public sealed class ResultsFile : IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly Dictionary<string, EvalLine> _lines;

    private ResultsFile(StreamWriter writer, Dictionary<string, EvalLine> lines)
    {
        _writer = writer;
        _lines = lines;
    }

    /// <summary>The lines so far, by <see cref="EvalLine.Key"/> (a key written twice: the later line).</summary>
    public IReadOnlyDictionary<string, EvalLine> Lines => _lines;

    /// <summary>Reads the lines of <paramref name="path"/> (none when it does not exist); a line cut short or not a result is left out.</summary>
    public static List<EvalLine> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return File.Exists(path) ? File.ReadLines(path).Select(EvalLine.TryParse).OfType<EvalLine>().ToList() : [];
    }

    /// <summary>Opens <paramref name="path"/> to append, with the lines already there.</summary>
    public static async Task<ResultsFile> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var lines = Read(path).GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.Last());
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        // A line cut short by a kill is ended, so the next line starts on its own.
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            bool ended = stream.ReadByte() == '\n';
            stream.Seek(0, SeekOrigin.End);
            if (!ended)
            {
                stream.WriteByte((byte)'\n');
            }
        }

        await stream.FlushAsync(cancellationToken);
        return new ResultsFile(new StreamWriter(stream), lines);
    }

    /// <summary>Whether every key of <paramref name="keys"/> has a line.</summary>
    public bool HasAll(IEnumerable<string> keys) => keys.All(_lines.ContainsKey);

    /// <summary>Appends the lines not written yet and flushes.</summary>
    public async Task AppendAsync(IReadOnlyList<EvalLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines.Where(l => !_lines.ContainsKey(l.Key)))
        {
            _lines[line.Key] = line;
            await _writer.WriteLineAsync(line.ToJson().AsMemory(), cancellationToken);
        }

        await _writer.FlushAsync(cancellationToken);
    }

    /// <summary>Replaces the whole file with <paramref name="lines"/> (written beside it, then moved over it).</summary>
    public static async Task RewriteAsync(string path, IEnumerable<EvalLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var temporary = path + ".tmp";
        await File.WriteAllLinesAsync(temporary, lines.Select(l => l.ToJson()), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
