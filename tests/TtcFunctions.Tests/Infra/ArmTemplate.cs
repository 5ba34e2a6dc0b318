using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TtcFunctions.Tests.Infra;

/// <summary>
/// A compiled ARM template (Bicep's output) and the little of the ARM expression language the name checks need:
/// string literals, <c>parameters()</c> (their default values), <c>variables()</c>, <c>format()</c>, <c>toLower()</c>
/// and property access. Anything else (a <c>reference()</c> to a deployed resource) is not known before deployment
/// and throws, so a test can only read names that are fixed when the template is built.
/// </summary>
internal sealed class ArmTemplate(JsonObject template)
{
    public JsonObject Json { get; } = template;

    /// <summary>The template of the nested deployment (Bicep module) with this name.</summary>
    public ArmTemplate Module(string name) =>
        new(Resources().Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments" && r["name"]!.GetValue<string>() == name)["properties"]!["template"]!.AsObject());

    /// <summary>The value the main template passes to a module parameter, evaluated.</summary>
    public JsonNode? ModuleParameter(string module, string parameter) =>
        Evaluate(Resources().Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments" && r["name"]!.GetValue<string>() == module)["properties"]!["parameters"]![parameter]!["value"]);

    /// <summary>Every resource, whether the template lists them (an array) or names them (symbolic names).</summary>
    public IReadOnlyList<JsonObject> Resources() => Json["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()).ToList(),
        JsonObject named => named.Select(p => p.Value!.AsObject()).ToList(),
        _ => [],
    };

    /// <summary>The resources of one type.</summary>
    public IReadOnlyList<JsonObject> Resources(string type) => Resources().Where(r => r["type"]!.GetValue<string>() == type).ToList();

    /// <summary>A variable, evaluated.</summary>
    public JsonNode? Variable(string name) => Evaluate(Json["variables"]![name]);

    /// <summary>A variable's raw JSON (an object's keys are literal even when its values are expressions).</summary>
    public JsonNode? RawVariable(string name) => Json["variables"]?[name];

    /// <summary>Evaluates a template value: strings in brackets are expressions, arrays and objects element by element.</summary>
    public JsonNode? Evaluate(JsonNode? value)
    {
        switch (value)
        {
            case JsonArray array:
                return new JsonArray(array.Select(Evaluate).ToArray());
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, item) in obj)
                {
                    copy[key] = Evaluate(item);
                }

                return copy;
            case JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith('[') && !s.StartsWith("[[", StringComparison.Ordinal) && s.EndsWith(']'):
                var parser = new Parser(s[1..^1], this);
                var result = parser.ParseExpression();
                parser.ExpectEnd();
                // A property access yields a node inside another; the caller may put it in a new array or object.
                return result?.Parent is null ? result : result.DeepClone();
            default:
                return value?.DeepClone();
        }
    }

    private JsonNode? Call(string function, IReadOnlyList<JsonNode?> args) => function.ToLowerInvariant() switch
    {
        "parameters" => Evaluate(Json["parameters"]![Str(args[0])]!["defaultValue"]
            ?? throw new NotSupportedException($"parameter '{Str(args[0])}' has no default value")),
        "variables" => Variable(Str(args[0])),
        "tolower" => JsonValue.Create(Str(args[0]).ToLowerInvariant()),
        "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, Str(args[0]), args.Skip(1).Select(a => (object?)Scalar(a)).ToArray())),
        _ => throw new NotSupportedException($"{function}() is not evaluated before deployment"),
    };

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static string Scalar(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node!.ToJsonString();

    /// <summary>expression := primary ('.' name | '[' expression ']')*; primary := 'string' | number | name '(' args ')'.</summary>
    private sealed class Parser(string text, ArmTemplate template)
    {
        private int _at;

        public void ExpectEnd()
        {
            SkipSpace();
            if (_at != text.Length)
            {
                throw new FormatException($"Unexpected '{text[_at..]}' in '{text}'");
            }
        }

        public JsonNode? ParseExpression()
        {
            var value = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (Peek('.'))
                {
                    _at++;
                    value = value![ReadName()];
                }
                else if (Peek('['))
                {
                    _at++;
                    var index = ParseExpression();
                    Expect(']');
                    value = index is JsonValue v && v.TryGetValue<int>(out var i) ? value![i] : value![Str(index)];
                }
                else
                {
                    return value;
                }
            }
        }

        private JsonNode? ParsePrimary()
        {
            SkipSpace();
            if (Peek('\''))
            {
                return JsonValue.Create(ReadString());
            }

            if (_at < text.Length && char.IsAsciiDigit(text[_at]))
            {
                int start = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                {
                    _at++;
                }

                return JsonValue.Create(int.Parse(text[start.._at], CultureInfo.InvariantCulture));
            }

            var name = ReadName();
            Expect('(');
            var args = new List<JsonNode?>();
            SkipSpace();
            if (!Peek(')'))
            {
                do
                {
                    args.Add(ParseExpression());
                    SkipSpace();
                }
                while (TryTake(','));
            }

            Expect(')');
            return template.Call(name, args);
        }

        private string ReadString()
        {
            Expect('\'');
            var sb = new StringBuilder();
            while (true)
            {
                if (_at >= text.Length)
                {
                    throw new FormatException($"Unterminated string in '{text}'");
                }

                char c = text[_at++];
                if (c == '\'')
                {
                    if (Peek('\''))
                    {
                        sb.Append('\'');
                        _at++;
                        continue;
                    }

                    return sb.ToString();
                }

                sb.Append(c);
            }
        }

        private string ReadName()
        {
            SkipSpace();
            int start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '$' or '#'))
            {
                _at++;
            }

            return start == _at ? throw new FormatException($"Expected a name at {start} in '{text}'") : text[start.._at];
        }

        private bool Peek(char c) => _at < text.Length && text[_at] == c;

        private bool TryTake(char c)
        {
            SkipSpace();
            if (Peek(c))
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw new FormatException($"Expected '{c}' at {_at} in '{text}'");
            }
        }

        private void SkipSpace()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }
    }
}
