namespace Ttc.Inference.Tokenization;

/// <summary>The prompt layouts we render (a Jinja engine is not needed for the models we run).</summary>
public enum ChatTemplateKind
{
    /// <summary>Llama-3.1 with search-and-learn's template (system block with the knowledge dates).</summary>
    Llama3,

    /// <summary>Qwen2 / Qwen2.5 ChatML (<c>&lt;|im_start|&gt;</c> ... <c>&lt;|im_end|&gt;</c>).</summary>
    Qwen2,

    /// <summary>Our tiny models: <c>&lt;|begin|&gt;&lt;|user|&gt;problem&lt;|assistant|&gt;</c>, no system turn.</summary>
    Ttc,
}

/// <summary>
/// Renders a system + user turn and a (possibly partial) assistant turn. A non-empty assistant
/// prefix is continued as is: nothing is trimmed, so a trailing "\n\n" step separator survives.
/// </summary>
public sealed class ChatTemplate(ChatTemplateKind kind)
{
    /// <summary>The system prompt search-and-learn uses (the published numbers depend on it).</summary>
    public const string ReferenceSystemPrompt =
        "Solve the following math problem efficiently and clearly:\n\n- For simple problems (2 steps or fewer):\nProvide a concise solution with minimal explanation.\n\n- For complex problems (3 steps or more):\nUse this step-by-step format:\n\n## Step 1: [Concise description]\n[Brief explanation and calculations]\n\n## Step 2: [Concise description]\n[Brief explanation and calculations]\n\n...\n\nRegardless of the approach, always conclude with:\n\nTherefore, the final answer is: $\\boxed{answer}$. I hope it is correct.\n\nWhere [answer] is just the final number or expression that solves the problem.";

    /// <summary>The layout.</summary>
    public ChatTemplateKind Kind { get; } = kind;

    /// <summary>Picks the layout from a tokenizer_config.json chat_template string (by its marker tokens).</summary>
    public static ChatTemplate Detect(string? template, IReadOnlyDictionary<string, int> addedTokens)
    {
        ArgumentNullException.ThrowIfNull(addedTokens);
        bool Has(string marker) => (template?.Contains(marker, StringComparison.Ordinal) ?? false) || addedTokens.ContainsKey(marker);
        if (Has("<|start_header_id|>"))
        {
            return new ChatTemplate(ChatTemplateKind.Llama3);
        }

        if (Has("<|im_start|>"))
        {
            return new ChatTemplate(ChatTemplateKind.Qwen2);
        }

        if (Has("<|assistant|>"))
        {
            return new ChatTemplate(ChatTemplateKind.Ttc);
        }

        throw new ModelLoadException("Unknown chat template: expected Llama-3 (<|start_header_id|>), Qwen2 (<|im_start|>) or the tiny models' (<|assistant|>) markers.");
    }

    /// <summary>
    /// A multi-turn conversation (roles "user" / "assistant"), every turn closed, as PRMs in the
    /// RLHFlow convention read it: each step a user turn, each answered by a one-token assistant turn.
    /// </summary>
    public string RenderTurns(IEnumerable<(string Role, string Content)> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var sb = new System.Text.StringBuilder(Kind switch
        {
            ChatTemplateKind.Llama3 => "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>",
            ChatTemplateKind.Ttc => "<|begin|>",
            _ => string.Empty,
        });
        foreach (var (role, content) in turns)
        {
            sb.Append(Kind switch
            {
                ChatTemplateKind.Llama3 => $"<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>",
                ChatTemplateKind.Qwen2 => $"<|im_start|>{role}\n{content}<|im_end|>\n",
                _ => $"<|{role}|>{content}",
            });
        }

        return sb.ToString();
    }

    /// <summary>The prompt text: system (ignored by <see cref="ChatTemplateKind.Ttc"/>), user, then the assistant prefix.</summary>
    public string Render(string? system, string user, string assistantPrefix)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(assistantPrefix);
        return Kind switch
        {
            ChatTemplateKind.Llama3 =>
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + (system ?? string.Empty).Trim() + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n" + user
                + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n" + assistantPrefix,
            ChatTemplateKind.Qwen2 =>
                (system is null ? string.Empty : "<|im_start|>system\n" + system + "<|im_end|>\n")
                + "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n" + assistantPrefix,
            _ => "<|begin|><|user|>" + user + "<|assistant|>" + assistantPrefix,
        };
    }
}
