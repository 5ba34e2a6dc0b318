using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Ttc.Search;

namespace Ttc.Orchestrations;

/// <summary>
/// Generation for one chunk of a phase: the inference functions, in process when this process has the
/// inference role, else over HTTP (the <see cref="SearchContext"/> given decides), batched across callers.
/// Safe to run twice: the same requests (seeds included) give the same results.
/// </summary>
public sealed partial class GenerateActivity(SearchContext models, ILogger<GenerateActivity> logger) : TracedActivity<GenerateInput, GenerateOutput>
{
    /// <inheritdoc />
    protected override async Task<GenerateOutput> RunCoreAsync(TaskActivityContext context, GenerateInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Generating(logger, context.InstanceId, input.Requests.Count);
        try
        {
            var (results, seconds) = await models.GenerateAsync(input.Requests);
            return new GenerateOutput(results, seconds);
        }
        catch (ArgumentException ex)
        {
            throw new PermanentActivityException("The generator refused the requests: " + ex.Message, ex);
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Generate for {InstanceId}: {Count} requests")]
    private static partial void Generating(ILogger logger, string instanceId, int count);
}

/// <summary>PRM scoring for one chunk of a phase; like <see cref="GenerateActivity"/>, deterministic and safe to run twice.</summary>
public sealed partial class ScoreActivity(SearchContext models, ILogger<ScoreActivity> logger) : TracedActivity<ScoreInput, ScoreOutput>
{
    /// <inheritdoc />
    protected override async Task<ScoreOutput> RunCoreAsync(TaskActivityContext context, ScoreInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Scoring(logger, context.InstanceId, input.Requests.Count);
        try
        {
            var (results, seconds) = await models.ScoreAsync(input.Requests);
            return new ScoreOutput(results, seconds);
        }
        catch (ArgumentException ex)
        {
            throw new PermanentActivityException("The PRM refused the requests: " + ex.Message, ex);
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Score for {InstanceId}: {Count} requests")]
    private static partial void Scoring(ILogger logger, string instanceId, int count);
}
