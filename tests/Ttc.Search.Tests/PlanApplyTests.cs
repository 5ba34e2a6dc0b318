using System.Text.Json;
using static Ttc.Search.Tests.ScriptedGenerator;

namespace Ttc.Search.Tests;

/// <summary>The state machine itself, driven by hand: no generator or PRM needed.</summary>
public class PlanApplyTests
{
    private static readonly SearchConfig Beam = new() { Strategy = StrategyNames.BeamSearch, N = 4, BeamWidth = 2, NumIterations = 3, Lookahead = 2, Seed = 3 };

    private static SearchResponses Steps(params string[] texts) => SearchResponses.Generated(texts.Select(t => Step(t)).ToList(), 0.5);

    private static SearchResponses Scores(int count, double score = 0.5) =>
        SearchResponses.Scored(Enumerable.Range(0, count).Select(_ => new StepScores([score], 3)).ToList(), 0.25);

    [Fact]
    public void Plan_CalledTwice_GivesEqualRequests()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.Dvts);
        var state = strategy.Start("p", Beam with { Strategy = StrategyNames.Dvts });
        Assert.Equal(strategy.Plan(state).Generation, strategy.Plan(state).Generation);
    }

    [Fact]
    public void Apply_LeavesTheGivenStateUnchanged()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
        var state = strategy.Start("p", Beam);
        var before = JsonSerializer.Serialize(state);
        var next = strategy.Apply(state, Steps("a", "b", "c", "d"));
        Assert.Equal(before, JsonSerializer.Serialize(state));
        Assert.NotEqual(before, JsonSerializer.Serialize(next));
    }

    [Fact]
    public void Apply_Lookahead_OneRoundPerPhaseThenScore()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
        var state = strategy.Start("p", Beam);
        Assert.Equal(SearchPhase.Generate, state.Phase);
        state = strategy.Apply(state, Steps("a", "b", "c", "d"));

        Assert.Equal(SearchPhase.Lookahead, state.Phase);
        var look = strategy.Plan(state);
        Assert.All(look.Generation, r => Assert.Equal(0, r.Sampling.Temperature));
        Assert.Equal(["a\n\n", "b\n\n", "c\n\n", "d\n\n"], look.Generation.Select(r => r.Prefix));
        // Two candidates end their lookahead at the first round: only the others go on.
        state = strategy.Apply(state, SearchResponses.Generated([Step("x"), Final("end"), Step("y"), Final("end")], 0.1));
        Assert.Equal(SearchPhase.Lookahead, state.Phase);
        Assert.Equal(["a\n\nx\n\n", "c\n\ny\n\n"], strategy.Plan(state).Generation.Select(r => r.Prefix));
        state = strategy.Apply(state, Steps("x2", "y2"));

        Assert.Equal(SearchPhase.Score, state.Phase);
        var scoring = strategy.Plan(state).Scoring;
        Assert.Equal(["a", "x", "x2"], scoring[0].Steps);
        Assert.Equal(["b", "end"], scoring[1].Steps);
        state = strategy.Apply(state, Scores(4));
        Assert.Equal(SearchPhase.Generate, state.Phase);
        Assert.Equal(1, state.Iteration);
        Assert.Equal(3, state.Compute.GeneratorCalls);
        Assert.Equal(1, state.Compute.PrmCalls);
        Assert.Equal(4 + 4 + 2, state.Compute.GeneratedSequences);
        Assert.Equal(0.5 + 0.1 + 0.5, state.Compute.GenerationSeconds, 9);
    }

    [Fact]
    public void Apply_FinalIteration_NoLookahead()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
        var state = strategy.Start("p", Beam with { NumIterations = 1 });
        Assert.All(strategy.Plan(state).Generation, r => Assert.Null(r.StopSequence));
        state = strategy.Apply(state, Steps("a", "b", "c", "d"));
        Assert.Equal(SearchPhase.Score, state.Phase);
        state = strategy.Apply(state, Scores(4));
        Assert.True(state.Finished);
        Assert.Equal(SearchPlan.None, strategy.Plan(state));
    }

    [Fact]
    public void Apply_WrongNumberOfResults_Throws()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.Majority);
        var state = strategy.Start("p", new SearchConfig { Strategy = StrategyNames.Majority, N = 3 });
        var ex = Assert.Throws<ArgumentException>(() => strategy.Apply(state, Steps("a", "b")));
        Assert.Contains("asked for 3 results but got 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_FinishedState_Throws()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.Greedy);
        var state = strategy.Apply(strategy.Start("p", new SearchConfig { Strategy = StrategyNames.Greedy }), SearchResponses.Generated([Final("\\boxed{1}")], 0));
        Assert.True(state.Finished);
        Assert.Throws<InvalidOperationException>(() => strategy.Apply(state, Steps("x")));
    }

    [Fact]
    public void Apply_ScoredSampling_GenerateThenScoreThenDone()
    {
        var strategy = StrategyRegistry.Get(StrategyNames.WeightedBestOfN);
        var state = strategy.Start("p", new SearchConfig { Strategy = StrategyNames.WeightedBestOfN, N = 2 });
        state = strategy.Apply(state, SearchResponses.Generated([Final("\\boxed{1}"), Final("\\boxed{2}")], 0));
        Assert.Equal(SearchPhase.Score, state.Phase);
        Assert.Equal(2, strategy.Plan(state).Scoring.Count);
        state = strategy.Apply(state, SearchResponses.Scored([new StepScores([0.2], 4), new StepScores([0.9], 4)], 0));
        Assert.True(state.Finished);
        Assert.Equal("2", strategy.Finish(state).Answer);
        Assert.Equal(8, state.Compute.PrmTokens);
    }
}
