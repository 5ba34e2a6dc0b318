using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference;

/// <summary>A prompt, already rendered with the chat template, to continue.</summary>
/// <param name="Prompt">The full prompt text (special tokens written out).</param>
/// <param name="StopSequence">Stop after this text (kept in the output); null runs to the end.</param>
/// <param name="Sampling">Sampling settings and seed.</param>
public sealed record PromptRequest(string Prompt, string? StopSequence, Sampling Sampling)
{
    /// <summary>
    /// For streaming: called on the decoding thread with the text generated so far, after every
    /// token that did not end the row (the final text is the result's). Backends that cannot stream
    /// never call it. It must be quick and must not throw.
    /// </summary>
    public Action<string>? OnText { get; init; }
}

/// <summary>What a served model can take: its name, its context and how many tokens a prompt uses.</summary>
public interface IModelLimits
{
    /// <summary>The name clients ask for (the model folder's name).</summary>
    string ModelId { get; }

    /// <summary>Positions of the model: prompt and generated tokens together.</summary>
    int ContextLength { get; }

    /// <summary>Tokens of <paramref name="prompt"/> (an already rendered prompt).</summary>
    int CountTokens(string prompt);
}

/// <summary>
/// Raw text completion, the level at which generators are served (our /v1/completions, vLLM,
/// llama.cpp server): batched, stop sequences, seeds. <see cref="TemplatedStepGenerator"/> puts the
/// search's step requests into this shape.
/// </summary>
public interface ITextCompletionModel
{
    /// <summary>The chat layout prompts for this model are rendered with.</summary>
    ChatTemplate Template { get; }

    /// <summary>Continues every prompt; one result per request, in order.</summary>
    Task<IReadOnlyList<GeneratedStep>> CompleteAsync(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken = default);
}

/// <summary>The search's step generator over any text completion model: renders problem + partial assistant turn.</summary>
public sealed class TemplatedStepGenerator(ITextCompletionModel model, string? systemPrompt = ChatTemplate.ReferenceSystemPrompt) : IStepGenerator
{
    /// <inheritdoc />
    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var prompts = requests.Select(r => new PromptRequest(model.Template.Render(systemPrompt, r.Problem, r.Prefix), r.StopSequence, r.Sampling)).ToList();
        return model.CompleteAsync(prompts, cancellationToken);
    }
}
