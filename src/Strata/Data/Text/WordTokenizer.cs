using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Strata.Data.Text;

/// <summary>
/// Words and punctuation marks as tokens (Keras <c>Tokenizer</c> / <c>TextVectorization</c> style): the
/// <c>maxVocab</c> most frequent words of the training texts, everything else the out-of-vocabulary id.
/// </summary>
public sealed partial class WordTokenizer : Tokenizer
{
    internal const string Kind = "word";
    private readonly List<string> _vocab;
    private readonly Dictionary<string, int> _ids;

    private WordTokenizer(List<string> vocab, bool lowercase)
    {
        _vocab = vocab;
        Lowercase = lowercase;
        _ids = vocab.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Builds the vocabulary from <paramref name="texts"/>, at most <paramref name="maxVocab"/> ids including the two reserved ones.</summary>
    public static WordTokenizer Fit(IEnumerable<string> texts, int? maxVocab = null, bool lowercase = true, int minCount = 1)
    {
        if (maxVocab is < 3) throw new ArgumentOutOfRangeException(nameof(maxVocab), $"WordTokenizer: maxVocab must be at least 3 (two reserved ids), got {maxVocab}.");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var w in Split(text, lowercase))
                counts[w] = counts.GetValueOrDefault(w) + 1;
        var vocab = new List<string> { PadToken, UnknownToken };
        vocab.AddRange(ByFrequency(counts).Where(w => counts[w] >= minCount && w != PadToken && w != UnknownToken).Take((maxVocab ?? int.MaxValue) - 2));
        return new WordTokenizer(vocab, lowercase);
    }

    public bool Lowercase { get; }

    public override int VocabSize => _vocab.Count;

    /// <summary>The vocabulary in id order.</summary>
    public IReadOnlyList<string> Vocabulary => _vocab;

    /// <summary>The words and punctuation of <paramref name="text"/>, as this tokenizer splits them.</summary>
    public IEnumerable<string> Split(string text) => Split(text, Lowercase);

    public override int[] Encode(string text) => Split(text, Lowercase).Select(w => _ids.GetValueOrDefault(w, UnknownId)).ToArray();

    public override string Decode(ReadOnlySpan<int> ids)
    {
        var words = new List<string>();
        foreach (int id in ids)
        {
            if (id == PadId) continue;
            if ((uint)id >= (uint)_vocab.Count) throw new ArgumentOutOfRangeException(nameof(ids), $"WordTokenizer.Decode: id {id} is outside the vocabulary (size {_vocab.Count}).");
            words.Add(_vocab[id]);
        }
        return string.Join(' ', words);
    }

    public override JsonObject ToJson() => new() { ["kind"] = Kind, ["lowercase"] = Lowercase, ["vocabulary"] = VocabularyJson(_vocab) };

    internal static WordTokenizer Read(JsonObject json, string source) =>
        new(ReadVocabulary(json, source), json["lowercase"]?.GetValue<bool>() ?? true);

    [GeneratedRegex(@"\w+(?:'\w+)*|[^\w\s]")]
    private static partial Regex WordPattern();

    private static IEnumerable<string> Split(string text, bool lowercase)
    {
        foreach (Match m in WordPattern().Matches(lowercase ? text.ToLowerInvariant() : text)) yield return m.Value;
    }
}
