using Ttc.Inference;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>
/// Whether a problem fits the served models' context, checked at submit so that a prompt that can
/// never run is a 400 naming both token counts, not a job that fails after its retries. Read from the
/// configured model folders (tokenizer and config only, no ONNX graphs), so the api role can check
/// without the inference role; the PRM is checked only for strategies that use it.
/// </summary>
public sealed class ContextCheck
{
    private readonly Lazy<PromptBudget> _withPrm;
    private readonly Lazy<PromptBudget> _generatorOnly;

    /// <summary>Checks against the generator and PRM folders the settings name, resolved against <paramref name="baseFolder"/>.</summary>
    public ContextCheck(HostSettings settings, string baseFolder)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var generator = HostSettings.Resolve(settings.Generator, baseFolder);
        var prm = HostSettings.Resolve(settings.Prm, baseFolder);
        _withPrm = new Lazy<PromptBudget>(() => PromptBudget.Open(generator, prm));
        _generatorOnly = new Lazy<PromptBudget>(() => PromptBudget.Open(generator, null));
    }

    /// <summary>Null when <paramref name="problem"/> fits the models <paramref name="strategy"/> uses; otherwise why not, naming the field, the model and both numbers.</summary>
    public string? Check(string problem, string strategy)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return (StrategyNames.UsesPrm(strategy) ? _withPrm : _generatorOnly).Value.Check(problem);
    }
}
