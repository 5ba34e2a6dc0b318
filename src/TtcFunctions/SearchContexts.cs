using Ttc.Inference;
using Ttc.Inference.OpenAi;
using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace TtcFunctions;

/// <summary>What the generation and scoring activities run against: this process's models (the inference role), or a remote inference node.</summary>
internal static class SearchContexts
{
    public static SearchContext Create(IServiceProvider services, HostSettings settings, HostRoles roles, string? key, int maxConcurrentActivities)
    {
        if (roles.Inference)
        {
            var backends = services.GetRequiredService<InferenceBackends>();
            return new SearchContext(new TemplatedStepGenerator(backends.Generator), backends.Prm);
        }

        if (string.IsNullOrEmpty(settings.InferenceEndpoint))
        {
            throw new InvalidOperationException("A worker without the inference role needs ttc:inferenceEndpoint (the base address of a host running --roles inference).");
        }

        var kind = Enum.TryParse<ChatTemplateKind>(settings.ChatTemplate, ignoreCase: true, out var k) ? k
            : throw new InvalidOperationException($"ttc:chatTemplate must be llama3, qwen2 or ttc (got '{settings.ChatTemplate}')");
        var baseUri = new Uri(settings.InferenceEndpoint.TrimEnd('/') + "/");
        var remote = new TemplatedStepGenerator(new OpenAiCompletionModel(new Uri(baseUri, "v1"), "generator", new ChatTemplate(kind), key, maxConcurrentActivities));
        var prm = new HttpProcessRewardModel(new HttpClient { Timeout = TimeSpan.FromMinutes(5) }, new Uri(baseUri, "api/score"), key);
        return new SearchContext(remote, prm);
    }
}
