using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Strata.Data.Text;

/// <summary>
/// Byte-pair encoding (Sennrich et al. 2016): words are split into characters plus an end-of-word marker, and the
/// most frequent adjacent pair is merged repeatedly until the vocabulary has the requested size. Encoding applies
/// the learned merges in the order they were learned, so frequent words become one token and rare ones fall back
/// to pieces instead of the out-of-vocabulary id. Ties are broken by ordinal order, so training is deterministic.
/// </summary>
public sealed partial class BpeTokenizer : Tokenizer
{
    internal const string Kind = "bpe";

    /// <summary>Marks the last symbol of a word, so "est&lt;/w&gt;" (a suffix) differs from "est" (inside a word).</summary>
    public const string EndOfWord = "</w>";

    private readonly List<string> _vocab;
    private readonly Dictionary<string, int> _ids;
    private readonly List<(string A, string B)> _merges;
    private readonly Dictionary<(string, string), int> _rank;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    private BpeTokenizer(List<string> vocab, List<(string, string)> merges, bool lowercase)
    {
        _vocab = vocab;
        _merges = merges;
        Lowercase = lowercase;
        _ids = vocab.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        _rank = merges.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i);
    }

    /// <summary>Learns merges on <paramref name="texts"/> until the vocabulary (reserved ids, characters, merges) has <paramref name="vocabSize"/> entries or no pair occurs twice.</summary>
    public static BpeTokenizer Train(IEnumerable<string> texts, int vocabSize, bool lowercase = false)
    {
        if (vocabSize < 3) throw new ArgumentOutOfRangeException(nameof(vocabSize), $"BpeTokenizer: vocabSize must be at least 3, got {vocabSize}.");
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var w in Words(text, lowercase))
                wordCounts[w] = wordCounts.GetValueOrDefault(w) + 1;
        var words = wordCounts.Select(kv => (Symbols: Initial(kv.Key), Count: kv.Value)).ToList();

        var charCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (symbols, count) in words)
            foreach (var s in symbols) charCounts[s] = charCounts.GetValueOrDefault(s) + count;
        var vocab = new List<string> { PadToken, UnknownToken };
        vocab.AddRange(ByFrequency(charCounts));
        var merges = new List<(string, string)>();
        while (vocab.Count < vocabSize)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    var p = (symbols[i], symbols[i + 1]);
                    pairs[p] = pairs.GetValueOrDefault(p) + count;
                }
            if (pairs.Count == 0) break;
            var best = pairs.OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < 2) break;
            var (a, b) = best.Key;
            merges.Add((a, b));
            vocab.Add(a + b);
            foreach (var (symbols, _) in words) Merge(symbols, a, b);
        }
        return new BpeTokenizer(vocab, merges, lowercase);
    }

    public bool Lowercase { get; }

    public override int VocabSize => _vocab.Count;

    /// <summary>The vocabulary in id order.</summary>
    public IReadOnlyList<string> Vocabulary => _vocab;

    /// <summary>The learned merges, in the order they are applied.</summary>
    public IReadOnlyList<(string A, string B)> Merges => _merges;

    /// <summary>The subword pieces of <paramref name="text"/> (for inspection; <see cref="Encode"/> returns their ids).</summary>
    public IEnumerable<string> Pieces(string text) => Encode(text).Select(id => _vocab[id]);

    public override int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var w in Words(text, Lowercase))
        {
            if (!_cache.TryGetValue(w, out var wordIds))
            {
                var symbols = Initial(w);
                while (symbols.Count > 1)
                {
                    int bestRank = int.MaxValue, at = -1;
                    for (int i = 0; i + 1 < symbols.Count; i++)
                        if (_rank.TryGetValue((symbols[i], symbols[i + 1]), out int r) && r < bestRank) { bestRank = r; at = i; }
                    if (at < 0) break;
                    var (a, b) = _merges[bestRank];
                    Merge(symbols, a, b);
                }
                wordIds = symbols.Select(s => _ids.GetValueOrDefault(s, UnknownId)).ToArray();
                if (_cache.Count < 100_000) _cache[w] = wordIds;
            }
            ids.AddRange(wordIds);
        }
        return ids.ToArray();
    }

    public override string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            if (id == PadId) continue;
            if ((uint)id >= (uint)_vocab.Count) throw new ArgumentOutOfRangeException(nameof(ids), $"BpeTokenizer.Decode: id {id} is outside the vocabulary (size {_vocab.Count}).");
            var piece = id == UnknownId ? "\uFFFD" : _vocab[id];
            if (piece.EndsWith(EndOfWord, StringComparison.Ordinal)) sb.Append(piece.AsSpan(0, piece.Length - EndOfWord.Length)).Append(' ');
            else sb.Append(piece);
        }
        return sb.ToString().TrimEnd(' ');
    }

    public override JsonObject ToJson()
    {
        var merges = new JsonArray(_merges.Select(m => (JsonNode?)new JsonArray(m.A, m.B)).ToArray());
        return new JsonObject { ["kind"] = Kind, ["lowercase"] = Lowercase, ["vocabulary"] = VocabularyJson(_vocab), ["merges"] = merges };
    }

    internal static BpeTokenizer Read(JsonObject json, string source)
    {
        var vocab = ReadVocabulary(json, source);
        var arr = json["merges"] as JsonArray ?? throw new InvalidDataException($"{source}: missing \"merges\" array.");
        var known = new HashSet<string>(vocab, StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        foreach (var (m, i) in arr.Select((m, i) => (m, i)))
        {
            if (m is not JsonArray { Count: 2 } pair || pair[0]?.GetValue<string>() is not string a || pair[1]?.GetValue<string>() is not string b)
                throw new InvalidDataException($"{source}: merge {i} is not a pair of strings.");
            if (!known.Contains(a + b)) throw new InvalidDataException($"{source}: merge {i} ('{a}', '{b}') makes '{a + b}', which is not in the vocabulary.");
            merges.Add((a, b));
        }
        return new BpeTokenizer(vocab, merges, json["lowercase"]?.GetValue<bool>() ?? false);
    }

    private static List<string> Initial(string word)
    {
        var e = System.Globalization.StringInfo.GetTextElementEnumerator(word);
        var symbols = new List<string>();
        while (e.MoveNext()) symbols.Add(e.GetTextElement());
        symbols.Add(EndOfWord);
        return symbols;
    }

    private static void Merge(List<string> symbols, string a, string b)
    {
        for (int i = 0; i + 1 < symbols.Count; i++)
            if (symbols[i] == a && symbols[i + 1] == b)
            {
                symbols[i] = a + b;
                symbols.RemoveAt(i + 1);
            }
    }

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex WordPattern();

    private static IEnumerable<string> Words(string text, bool lowercase)
    {
        foreach (Match m in WordPattern().Matches(lowercase ? text.ToLowerInvariant() : text)) yield return m.Value;
    }
}
