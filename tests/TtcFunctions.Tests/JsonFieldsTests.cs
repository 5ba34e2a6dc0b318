using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Ttc.Search;
using TtcFunctions.Apis;

namespace TtcFunctions.Tests;

public class JsonFieldsTests
{
    private static async Task<(JsonFields? Fields, BodyFailure? Failure)> ParseAsync(string body)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return await JsonFields.ParseAsync(context.Request, 1 << 20, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void RejectUnknown_SearchSettingInSnakeCase_NamesItAndTheKnownName()
    {
        var f = new JsonFields(JsonNode.Parse("""{"problem": "p", "beam_width": 4, "n": 8, "colour": "red"}""")!.AsObject());
        f.RejectUnknown(["problem", .. SearchSettings.All.Select(s => s.Name)]);
        Assert.Equal(["unknown field 'beam_width' (did you mean 'beamWidth'?)"], f.Errors["beam_width"]);
        Assert.Equal(["unknown field 'colour'"], f.Errors["colour"]);
        Assert.Equal(2, f.Errors.Count);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"n": 1, "n": 2}""", 400, "Duplicate")]
    [InlineData("""{"a": {"b": "\ud800x"}}""", 400, "a.b: the text has a lone UTF-16 surrogate")]
    [InlineData("""{"a": ["ok", "\udfff"]}""", 400, "a[1]: the text has a lone UTF-16 surrogate")]
    [InlineData("""{"\ud800": 1}""", 400, "a field name: the text has a lone UTF-16 surrogate")]
    [InlineData("""[]""", 400, "must be a JSON object")]
    [InlineData("""{"a": """, 400, "")]
    public async Task ParseAsync_BadBody_FailureWithStatusAndReasonNeverAnException(string body, int status, string expected)
    {
        var (fields, failure) = await ParseAsync(body);
        Assert.Null(fields);
        Assert.Equal(status, failure!.Status);
        Assert.Contains(expected, failure.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task ParseAsync_ValidSurrogatePair_Accepted()
    {
        var (fields, failure) = await ParseAsync("""{"prompt": "\ud83d\ude00 and 😀"}""");
        Assert.Null(failure);
        Assert.Equal("😀 and 😀", fields!.String("prompt", required: true));
    }
}
