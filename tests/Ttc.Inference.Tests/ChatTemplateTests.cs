using Ttc.Inference.Tokenization;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

public class ChatTemplateTests
{
    [Fact]
    public void Render_Llama3_SearchAndLearnLayout_ContinuesThePartialTurnVerbatim()
    {
        var text = new ChatTemplate(ChatTemplateKind.Llama3).Render(" sys ", "What is 1+1?", "## Step 1: add\n\n");
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nsys<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 1+1?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n## Step 1: add\n\n",
            text);
    }

    [Fact]
    public void Render_Qwen2_ChatMl()
    {
        var text = new ChatTemplate(ChatTemplateKind.Qwen2).Render("sys", "q", string.Empty);
        Assert.Equal("<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void Render_Llama3WithRealTokenizer_HeadersAreSpecialTokensAndTheSeparatorSurvives()
    {
        var tokenizer = HfTokenizer.Load(TestModels.NpmTokenizer("tokenizer-llama3"));
        var template = ChatTemplate.Detect(null, tokenizer.AddedTokens);
        Assert.Equal(ChatTemplateKind.Llama3, template.Kind);
        var ids = tokenizer.Encode(template.Render(ChatTemplate.ReferenceSystemPrompt, "Compute 2 + 2.", "## Step 1: 2 + 2 = 4.\n\n"));
        Assert.Equal(128000, ids[0]);
        Assert.Equal(3, ids.Count(i => i == 128006)); // system, user, assistant headers
        Assert.EndsWith("4.\n\n", tokenizer.Decode(ids.TakeLast(3)), StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_QwenTokenizer_Qwen2()
    {
        var tokenizer = HfTokenizer.Load(TestModels.NpmTokenizer("tokenizer-qwen3"));
        Assert.Equal(ChatTemplateKind.Qwen2, ChatTemplate.Detect(null, tokenizer.AddedTokens).Kind);
    }

    [Fact]
    public void Detect_NoKnownMarkers_FailsClearly()
    {
        var ex = Assert.Throws<ModelLoadException>(() => ChatTemplate.Detect("{{ messages }}", new Dictionary<string, int>()));
        Assert.Contains("Unknown chat template", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderTurns_RlhflowLayout_EachStepAUserTurnAnsweredByPlus()
    {
        var text = new ChatTemplate(ChatTemplateKind.Ttc).RenderTurns([("user", "q s1"), ("assistant", "+"), ("user", "s2"), ("assistant", "+")]);
        Assert.Equal("<|begin|><|user|>q s1<|assistant|>+<|user|>s2<|assistant|>+", text);
    }
}
