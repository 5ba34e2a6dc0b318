namespace Ttc.Search.Strategies;

/// <summary>
/// The shared shape of the step-wise strategies (beam search, DVTS). Each iteration: every
/// candidate samples one step from its parent (to the end on the last iteration); unless it is
/// the last iteration, candidates that stopped at the separator are extended by up to
/// <see cref="SearchConfig.Lookahead"/> greedy steps, one round per phase; the PRM scores every
/// candidate's text with its lookahead; the strategy then selects. Unlike the reference, token
/// counts are kept, and the lookahead text is what gets scored.
/// </summary>
public abstract class TreeSearch : SearchStrategy
{
    /// <summary>The parents of this iteration's candidates, in order, with each candidate's sampling seed.</summary>
    protected abstract IReadOnlyList<(Beam Parent, long Seed)> Expansion(SearchState state);

    /// <summary>Chooses among the scored <see cref="SearchState.Pending"/> candidates; sets the active set and finished solutions.</summary>
    protected abstract void Choose(SearchState state);

    /// <inheritdoc />
    protected override IReadOnlyList<StepRequest> PlanGeneration(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase == SearchPhase.Lookahead)
        {
            // Lookahead is greedy, so its seed does not matter.
            return state.LookaheadOpen.Select(i => Request(state, state.Pending[i].Text + state.Pending[i].LookaheadText, toEnd: false, seed: 0, temperature: 0)).ToList();
        }

        bool final = IsFinalIteration(state);
        return Expansion(state).Select(x => Request(state, x.Parent.Text, final, x.Seed)).ToList();
    }

    /// <inheritdoc />
    protected override IReadOnlyList<ScoreRequest> PlanScoring(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Pending.Select(b => ScoreText(state, b.Text + b.LookaheadText)).ToList();
    }

    /// <inheritdoc />
    protected override void ApplyGeneration(SearchState state, IReadOnlyList<GeneratedStep> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        if (state.Phase == SearchPhase.Lookahead)
        {
            var open = new List<int>();
            for (int j = 0; j < results.Count; j++)
            {
                var b = state.Pending[state.LookaheadOpen[j]];
                b.LookaheadText += results[j].Text;
                b.GeneratedTokens += results[j].GeneratedTokens;
                if (ContinuesAfter(results[j]))
                {
                    open.Add(state.LookaheadOpen[j]);
                }
            }

            state.LookaheadRound++;
            OpenLookahead(state, open);
            return;
        }

        var parents = Expansion(state);
        state.Pending = parents.Select((x, i) =>
        {
            var child = x.Parent.Branch(state.TakeId());
            child.Steps.Add(results[i].Text);
            child.StopReason = results[i].StopReason;
            child.GeneratedTokens += results[i].GeneratedTokens;
            child.LookaheadText = string.Empty;
            child.Completed = !ContinuesAfter(results[i]);
            return child;
        }).ToList();
        state.LookaheadRound = 0;
        OpenLookahead(state, IsFinalIteration(state) ? [] : Enumerable.Range(0, results.Count).Where(i => ContinuesAfter(results[i])).ToList());
    }

    /// <inheritdoc />
    protected override void ApplyScoring(SearchState state, IReadOnlyList<StepScores> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        ScorePending(state, results);

        Choose(state);
        state.Pending = [];
        state.LookaheadOpen = [];
        state.LookaheadRound = 0;
        state.Iteration++;
        state.Phase = state.Active.Count == 0 || state.Iteration >= state.Config.NumIterations ? SearchPhase.Done : SearchPhase.Generate;
    }

    /// <summary>Whether this iteration is the last one (it generates to the end, without lookahead).</summary>
    protected static bool IsFinalIteration(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Iteration == state.Config.NumIterations - 1;
    }

    /// <summary>A step that stopped at the separator with some text leaves the solution open.</summary>
    private static bool ContinuesAfter(GeneratedStep step) => step.StopReason == StopReason.Separator && step.Text.Length > 0;

    private static void OpenLookahead(SearchState state, List<int> open)
    {
        state.LookaheadOpen = open;
        state.Phase = open.Count > 0 && state.LookaheadRound < state.Config.Lookahead ? SearchPhase.Lookahead : SearchPhase.Score;
    }
}
