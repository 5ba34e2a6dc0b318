namespace Ttc.Inference.Onnx;

/// <summary>Seeding: the prefixes several solutions share, read once before they are scored.</summary>
internal sealed partial class IncrementalPrmScorer
{
    /// <summary>
    /// Caches the prefixes several of <paramref name="inputs"/> share and the cache cannot serve yet, so
    /// each is read once: in the tree of their common prefixes (inputs sorted, a group split where its
    /// smallest neighbour-to-neighbour common prefix ends), every group's prefix that is at least
    /// <see cref="MinShared"/> tokens longer than the last one cached above it: the system prompt all
    /// share, then each problem with its solutions' shared start. A prefix is read after the ones above
    /// it, so it reuses them. The first scoring of a problem's n solutions otherwise reads its prompt n times.
    /// </summary>
    public void Seed(IReadOnlyList<PrmInput> inputs)
    {
        if (_cache is null || inputs.Count < 2)
        {
            return;
        }

        var rows = inputs.Select(x => x.Ids).Order(Comparer<int[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
        var lcp = Enumerable.Range(1, rows.Length - 1).Select(k => rows[k - 1].AsSpan().CommonPrefixLength(rows[k])).ToArray();
        var waves = new List<List<int[]>>();
        Group(rows, lcp, 0, rows.Length - 1, _cache.Peek(rows[0]), 0, waves);
        foreach (var wave in waves)
        {
            _ = Score([.. wave.Select(ids => new PrmInput(ids, []))]);
        }
    }

    /// <summary>Collects the seeds of sorted rows [first, last], under a prefix of <paramref name="above"/> tokens already cached or seeded.</summary>
    private void Group(int[][] rows, int[] lcp, int first, int last, int above, int wave, List<List<int[]>> waves)
    {
        if (last <= first)
        {
            return;
        }

        int common = lcp[first..last].Min();
        if (common >= above + MinShared && _cache!.Peek(rows[first]) + MinShared <= common)
        {
            if (waves.Count == wave)
            {
                waves.Add([]);
            }

            waves[wave++].Add(rows[first][..common]);
            above = common;
        }

        for (int start = first, k = first; k <= last; k++)
        {
            if (k == last || lcp[k] == common)
            {
                Group(rows, lcp, start, k, above, wave, waves);
                start = k + 1;
            }
        }
    }
}
