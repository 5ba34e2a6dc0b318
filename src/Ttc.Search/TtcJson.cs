using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ttc.Search;

/// <summary>
/// The one JSON naming policy for everything the project writes and reads (checkpoints, job inputs
/// and outputs, results files, HTTP bodies): camelCase properties, enums as camelCase strings.
/// </summary>
public static class TtcJson
{
    /// <summary>The shared serializer options (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
