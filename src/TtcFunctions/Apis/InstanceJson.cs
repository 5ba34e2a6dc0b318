using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TtcFunctions.Apis;

/// <summary>An instance as the status API returns it (the Durable Functions HTTP API's shape).</summary>
internal static class InstanceJson
{
    public static JsonObject From(InstanceStatus i)
    {
        var body = new JsonObject
        {
            ["instanceId"] = i.InstanceId,
            ["name"] = i.Name,
            ["runtimeStatus"] = i.RuntimeStatus.ToString(),
            ["input"] = Input(i.SerializedInput),
            ["customStatus"] = Parse(i.SerializedCustomStatus),
            ["output"] = i.RuntimeStatus == InstanceRuntimeStatus.Failed ? i.FailureMessage ?? Parse(i.SerializedOutput) : Parse(i.SerializedOutput),
            ["createdTime"] = i.CreatedTime.ToString("O", CultureInfo.InvariantCulture),
            ["lastUpdatedTime"] = i.LastUpdatedTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (i.History is { } history)
        {
            body["historyEvents"] = new JsonArray(history.Select(e => (JsonNode)new JsonObject
            {
                ["eventType"] = e.EventType,
                ["name"] = e.Name,
                ["timestamp"] = DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
                ["eventId"] = e.EventId,
                ["taskScheduledId"] = e.TaskScheduledId,
            }).ToArray());
        }

        return body;
    }

    // A solve's input after its first step carries the whole search state; the status shows what was asked
    // (the tree after every step is in Blob storage).
    private static JsonNode? Input(string? json)
    {
        var input = Parse(json);
        if (input is JsonObject o)
        {
            o.Remove("state");
        }

        return input;
    }

    private static JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
