namespace Ttc.Evaluation.Tests;

public class AccuracyTallyTests
{
    [Fact]
    public void Add_CountsOverallAndPerLevel()
    {
        var t = new AccuracyTally();
        t.Add(1, true);
        t.Add(1, false);
        t.Add(3, true);
        t.Add(null, false);
        Assert.Equal(4, t.Problems);
        Assert.Equal(2, t.Correct);
        Assert.Equal(0.5, t.Accuracy);
        Assert.Equal([1, 3], t.Levels);
        Assert.Equal(0.5, t.AccuracyAt(1));
        Assert.Null(t.AccuracyAt(2));

        var json = t.ToJson();
        Assert.Equal(0.5, json["accuracy"]!.GetValue<double>());
        Assert.Equal(1, json["accuracyPerLevel"]!["3"]!["correct"]!.GetValue<int>());
        Assert.Equal(2, json["accuracyPerLevel"]!["1"]!["problems"]!.GetValue<int>());
    }

    [Fact]
    public void Accuracy_Empty_IsZero() => Assert.Equal(0, new AccuracyTally().Accuracy);
}
