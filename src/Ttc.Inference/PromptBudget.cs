using Ttc.Inference.Onnx;
using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference;

/// <summary>
/// Whether a problem fits the models' context, checked before any work starts: the generator's
/// rendered prompt (chat template and system prompt included) must leave room for at least one
/// generated token, and the PRM's input for the problem with one empty step must fit its positions.
/// Built from the model folders alone (tokenizer.json, config.json's max_position_embeddings, the
/// chat template), so a host can check at submit without loading the ONNX graphs.
/// </summary>
public sealed class PromptBudget
{
    private readonly ModelFolder? _generator;
    private readonly string? _systemPrompt;
    private readonly ModelFolder? _prmFolder;
    private readonly PrmPrompts? _prm;

    private PromptBudget(ModelFolder? generator, string? systemPrompt, ModelFolder? prmFolder, PrmPrompts? prm)
    {
        _generator = generator;
        _systemPrompt = systemPrompt;
        _prmFolder = prmFolder;
        _prm = prm;
    }

    /// <summary>Positions of the generator (prompt and generated tokens together), or null when it is not checked.</summary>
    public int? GeneratorPositions => _generator?.MaxPositions;

    /// <summary>Positions of the PRM, or null when it is not checked.</summary>
    public int? PrmPositions => _prmFolder?.MaxPositions;

    /// <summary>Reads the model folders; either may be null (a remote generator, a strategy without PRM) and is then not checked.</summary>
    /// <param name="generatorFolder">The generator's folder.</param>
    /// <param name="prmFolder">The PRM's folder (its convention and step tag come from its config.json).</param>
    /// <param name="systemPrompt">The system turn the generator is prompted with (the search's default).</param>
    /// <exception cref="ModelLoadException">A folder or one of its files is missing or invalid.</exception>
    public static PromptBudget Open(string? generatorFolder, string? prmFolder, string? systemPrompt = ChatTemplate.ReferenceSystemPrompt)
    {
        var generator = generatorFolder is null ? null : ModelFolder.Open(generatorFolder);
        var prm = prmFolder is null ? null : ModelFolder.Open(prmFolder);
        return new PromptBudget(generator, systemPrompt, prm, prm is null ? null : PrmPrompts.Create(prm, null, null));
    }

    /// <summary>The budget of opened models; either may be null and is then not checked.</summary>
    public static PromptBudget For(OnnxStepGenerator? generator, OnnxProcessRewardModel? prm) =>
        new(generator?.Model.Folder, generator?.SystemPrompt, prm?.Folder, prm?.Prompts);

    /// <summary>Tokens of the generator's prompt for <paramref name="problem"/> (a new assistant turn), or null when the generator is not checked.</summary>
    public int? GeneratorPromptTokens(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return _generator?.Tokenizer.Encode(_generator.Template.Render(_systemPrompt, problem, string.Empty)).Count;
    }

    /// <summary>Tokens of the PRM's input for <paramref name="problem"/> with one empty step, or null when the PRM is not checked.</summary>
    public int? PrmPromptTokens(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return _prm?.Encode(new ScoreRequest(problem, [string.Empty])).Ids.Length;
    }

    /// <summary>
    /// Null when <paramref name="problem"/> fits; otherwise why not, naming <paramref name="field"/>,
    /// the model and both numbers ("problem: the prompt has 734 tokens; the generator 'models/generator-small'
    /// supports 512 ...").
    /// </summary>
    public string? Check(string problem, string field = "problem")
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (GeneratorPromptTokens(problem) is { } g && g >= _generator!.MaxPositions)
        {
            return $"{field}: the prompt has {g} tokens; the generator '{_generator.Path}' supports {_generator.MaxPositions}, prompt and generated tokens together";
        }

        if (PrmPromptTokens(problem) is { } p && p > _prmFolder!.MaxPositions)
        {
            return $"{field}: the PRM's input has {p} tokens before any step; the PRM '{_prmFolder.Path}' supports {_prmFolder.MaxPositions}";
        }

        return null;
    }
}
