using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Strata.Data.Text;

/// <summary>One token per character (a Unicode text element), for character-level language models.</summary>
public sealed class CharTokenizer : Tokenizer
{
    internal const string Kind = "char";
    private readonly List<string> _vocab;
    private readonly Dictionary<string, int> _ids;

    private CharTokenizer(List<string> vocab)
    {
        _vocab = vocab;
        _ids = vocab.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
    }

    /// <summary>Builds the vocabulary from <paramref name="texts"/>: the most frequent characters, at most <paramref name="maxVocab"/> ids in all.</summary>
    public static CharTokenizer Fit(IEnumerable<string> texts, int? maxVocab = null)
    {
        if (maxVocab is < 3) throw new ArgumentOutOfRangeException(nameof(maxVocab), $"CharTokenizer: maxVocab must be at least 3 (two reserved ids), got {maxVocab}.");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var c in Elements(text))
                counts[c] = counts.GetValueOrDefault(c) + 1;
        var vocab = new List<string> { PadToken, UnknownToken };
        vocab.AddRange(ByFrequency(counts).Where(c => c != PadToken && c != UnknownToken).Take((maxVocab ?? int.MaxValue) - 2));
        return new CharTokenizer(vocab);
    }

    public override int VocabSize => _vocab.Count;

    /// <summary>The vocabulary in id order.</summary>
    public IReadOnlyList<string> Vocabulary => _vocab;

    public override int[] Encode(string text) => Elements(text).Select(c => _ids.GetValueOrDefault(c, UnknownId)).ToArray();

    public override string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            if (id == PadId) continue;
            if ((uint)id >= (uint)_vocab.Count) throw new ArgumentOutOfRangeException(nameof(ids), $"CharTokenizer.Decode: id {id} is outside the vocabulary (size {_vocab.Count}).");
            sb.Append(id == UnknownId ? "\uFFFD" : _vocab[id]);
        }
        return sb.ToString();
    }

    public override JsonObject ToJson() => new() { ["kind"] = Kind, ["vocabulary"] = VocabularyJson(_vocab) };

    internal static CharTokenizer Read(JsonObject json, string source) => new(ReadVocabulary(json, source));

    private static IEnumerable<string> Elements(string text)
    {
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext()) yield return e.GetTextElement();
    }
}
