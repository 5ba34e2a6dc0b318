using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Ttc.Inference.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> (BPE: byte-level as in Llama-3 and Qwen2.5, or character
/// level with no merges as in our tiny models) on top of Microsoft.ML.Tokenizers. Added (special)
/// tokens in the text are matched first and map straight to their ids.
/// </summary>
public sealed partial class HfTokenizer
{
    // GPT-2's split, used when a ByteLevel pre-tokenizer has use_regex = true.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private const string WholeText = @"(?s).+";

    private readonly Tokenizer _bpe;
    private readonly Dictionary<string, int> _added;
    private readonly Dictionary<int, string> _addedById;
    private readonly Regex? _addedPattern;
    private readonly bool _nfc;

    private HfTokenizer(Tokenizer bpe, Dictionary<string, int> added, int vocabSize, bool nfc)
    {
        _bpe = bpe;
        _added = added;
        _addedById = added.ToDictionary(p => p.Value, p => p.Key);
        _nfc = nfc;
        VocabSize = vocabSize;
        if (added.Count > 0)
        {
            // Longest first, so "<|end|>" never wins over "<|end_of_text|>".
            var alternatives = added.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape);
            _addedPattern = new Regex(string.Join("|", alternatives), RegexOptions.CultureInvariant);
        }
    }

    /// <summary>Vocabulary size: one more than the largest id, added tokens included.</summary>
    public int VocabSize { get; }

    /// <summary>The added (special) tokens and their ids.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens => _added;

    /// <summary>Loads <c>tokenizer.json</c> from a file or from the folder that holds it.</summary>
    /// <exception cref="ModelLoadException">The file is missing or is not a BPE tokenizer.json.</exception>
    public static HfTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        if (!File.Exists(file))
        {
            throw new ModelLoadException($"Tokenizer file '{file}' does not exist.");
        }

        try
        {
            using var stream = File.OpenRead(file);
            using var doc = JsonDocument.Parse(stream);
            return FromJson(doc.RootElement, file);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"Tokenizer file '{file}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static HfTokenizer FromJson(JsonElement root, string file)
    {
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type) || type.GetString() != "BPE")
        {
            throw new ModelLoadException($"Tokenizer file '{file}': only BPE models are supported (model.type must be \"BPE\").");
        }

        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException($"Tokenizer file '{file}': model.vocab is missing.");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocabElement.EnumerateObject())
        {
            vocab[p.Name] = p.Value.GetInt32();
        }

        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var mergesElement))
        {
            foreach (var m in mergesElement.EnumerateArray())
            {
                // Older files write "a b", newer ones ["a", "b"].
                merges.Add(m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!);
            }
        }

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var addedElement))
        {
            foreach (var t in addedElement.EnumerateArray())
            {
                added[t.GetProperty("content").GetString()!] = t.GetProperty("id").GetInt32();
            }
        }

        var (byteLevel, pattern) = ReadPreTokenizer(root);
        bool nfc = root.TryGetProperty("normalizer", out var norm) && norm.ValueKind == JsonValueKind.Object
            && norm.TryGetProperty("type", out var nt) && nt.GetString() == "NFC";
        var options = new BpeOptions(vocab.Where(p => !added.ContainsKey(p.Key)))
        {
            Merges = merges,
            ByteLevel = byteLevel,
            // No pre-tokenizer means the whole text is one piece (Microsoft.ML.Tokenizers would split on spaces instead).
            PreTokenizer = new RegexPreTokenizer(new Regex(pattern ?? WholeText, RegexOptions.Compiled | RegexOptions.CultureInvariant), null),
        };
        int vocabSize = System.Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max(), added.Count == 0 ? 0 : added.Values.Max()) + 1;
        return new HfTokenizer(BpeTokenizer.Create(options), added, vocabSize, nfc);
    }

    private static (bool ByteLevel, string? Pattern) ReadPreTokenizer(JsonElement root)
    {
        bool byteLevel = false;
        string? pattern = null;
        void Visit(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t))
            {
                return;
            }

            switch (t.GetString())
            {
                case "Sequence":
                    foreach (var inner in e.GetProperty("pretokenizers").EnumerateArray())
                    {
                        Visit(inner);
                    }

                    break;
                case "Split" when e.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out var rx):
                    pattern ??= rx.GetString();
                    break;
                case "ByteLevel":
                    byteLevel = true;
                    if (e.TryGetProperty("use_regex", out var useRegex) && useRegex.GetBoolean())
                    {
                        pattern ??= Gpt2Pattern;
                    }

                    break;
            }
        }

        if (root.TryGetProperty("pre_tokenizer", out var pre))
        {
            Visit(pre);
        }

        return (byteLevel, pattern);
    }

    /// <summary>Token ids of <paramref name="text"/>; added tokens written in the text become their ids.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_nfc)
        {
            text = text.Normalize(NormalizationForm.FormC);
        }

        var ids = new List<int>(text.Length / 3 + 4);
        int at = 0;
        if (_addedPattern is not null)
        {
            foreach (Match m in _addedPattern.Matches(text))
            {
                EncodePlain(text[at..m.Index], ids);
                ids.Add(_added[m.Value]);
                at = m.Index + m.Length;
            }
        }

        EncodePlain(text[at..], ids);
        return ids;
    }

    private void EncodePlain(string text, List<int> into)
    {
        if (text.Length > 0)
        {
            into.AddRange(_bpe.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true));
        }
    }

    /// <summary>Text of <paramref name="ids"/>; added tokens are written out unless <paramref name="skipAdded"/>.</summary>
    public string Decode(IEnumerable<int> ids, bool skipAdded = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        var run = new List<int>();
        foreach (int id in ids)
        {
            if (_addedById.TryGetValue(id, out var token))
            {
                Flush();
                if (!skipAdded)
                {
                    sb.Append(token);
                }
            }
            else
            {
                run.Add(id);
            }
        }

        Flush();
        return sb.ToString();

        void Flush()
        {
            if (run.Count > 0)
            {
                sb.Append(_bpe.Decode(run));
                run.Clear();
            }
        }
    }

    /// <summary>The id of a token (added or in the vocabulary), or null.</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_added.TryGetValue(token, out int id))
        {
            return id;
        }

        var ids = _bpe.EncodeToIds(token, considerPreTokenization: false, considerNormalization: false);
        return ids.Count == 1 ? ids[0] : null;
    }
}
