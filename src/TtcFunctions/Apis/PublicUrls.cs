using System.Text.Json.Nodes;

namespace TtcFunctions.Apis;

/// <summary>
/// The addresses put in responses (Location, statusQueryGetUri...): from ttc:publicBaseUrl, else from
/// where this process listens. Never from the request's Host header, which any client can set.
/// </summary>
/// <param name="settings">The host settings.</param>
/// <param name="listening">Where this process listens, once known (null: not yet).</param>
public sealed class PublicUrls(HostSettings settings, Func<Uri?> listening)
{
    /// <summary>The base address, ending in "/".</summary>
    public Uri Base
    {
        get
        {
            var configured = settings.PublicBaseUrl;
            if (!string.IsNullOrEmpty(configured))
            {
                return new Uri(configured.TrimEnd('/') + "/");
            }

            var address = listening() ?? throw new InvalidOperationException("The listening address is not known yet; set ttc:publicBaseUrl.");
            // A wildcard binding is not an address a client can use: the loopback name stands in for it.
            var host = address.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" ? "localhost" : address.Host;
            return new UriBuilder(address.Scheme, host, address.Port, "/").Uri;
        }
    }

    /// <summary>The URLs of an instance, as the Durable Functions HTTP API returns them.</summary>
    public JsonObject Instance(string id)
    {
        var root = new Uri(Base, "api/instances/" + Uri.EscapeDataString(id)).ToString();
        return new JsonObject
        {
            ["id"] = id,
            ["statusQueryGetUri"] = root,
            ["terminatePostUri"] = root + "/terminate?reason={text}",
            ["purgeHistoryDeleteUri"] = root,
        };
    }

    /// <summary>The first address of a server's bindings (for the self-host).</summary>
    public static Uri? FirstAddress(IEnumerable<string>? addresses)
    {
        var first = addresses?.FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        // Kestrel reports wildcards as "http://[::]:80" or "http://+:80", which Uri may not parse.
        first = first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) ? uri : null;
    }
}
