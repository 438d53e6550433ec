using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Serialization;

namespace Strata.Data.Text;

/// <summary>
/// Maps text to token ids and back. Ids 0 and 1 are reserved in every Strata tokenizer: 0 is padding (so padded
/// batches and <c>Embedding(paddingIdx: 0)</c> agree) and 1 is the out-of-vocabulary token.
/// </summary>
public abstract class Tokenizer
{
    /// <summary>The padding id.</summary>
    public const int PadId = 0;

    /// <summary>The out-of-vocabulary id.</summary>
    public const int UnknownId = 1;

    /// <summary>The padding token's text.</summary>
    public const string PadToken = "<pad>";

    /// <summary>The out-of-vocabulary token's text.</summary>
    public const string UnknownToken = "<unk>";

    /// <summary>Number of ids, the two reserved ones included (the input size of an Embedding).</summary>
    public abstract int VocabSize { get; }

    /// <summary>The token ids of <paramref name="text"/>.</summary>
    public abstract int[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/> (padding is skipped).</summary>
    public abstract string Decode(ReadOnlySpan<int> ids);

    /// <summary>The tokenizer as JSON (kind and vocabulary), for <see cref="Save"/> and for model files.</summary>
    public abstract JsonObject ToJson();

    /// <summary>Writes <see cref="ToJson"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Reads a tokenizer written by <see cref="Save"/>; the "kind" field picks the class.</summary>
    public static Tokenizer Load(string path)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid tokenizer JSON: {e.Message}"); }
        return FromJson(node as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object."), path);
    }

    /// <summary>Rebuilds a tokenizer from <see cref="ToJson"/>; <paramref name="source"/> names it in errors.</summary>
    public static Tokenizer FromJson(JsonObject json, string source = "tokenizer")
    {
        string kind = json["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: missing \"kind\".");
        return kind switch
        {
            CharTokenizer.Kind => CharTokenizer.Read(json, source),
            WordTokenizer.Kind => WordTokenizer.Read(json, source),
            BpeTokenizer.Kind => BpeTokenizer.Read(json, source),
            _ => throw new InvalidDataException($"{source}: unknown tokenizer kind '{kind}' (known: {CharTokenizer.Kind}, {WordTokenizer.Kind}, {BpeTokenizer.Kind})."),
        };
    }

    /// <summary>The vocabulary list from JSON, checked: reserved tokens first, no duplicates.</summary>
    internal static List<string> ReadVocabulary(JsonObject json, string source)
    {
        var arr = json["vocabulary"] as JsonArray ?? throw new InvalidDataException($"{source}: missing \"vocabulary\" array.");
        var vocab = arr.Select((v, i) => v?.GetValue<string>() ?? throw new InvalidDataException($"{source}: vocabulary entry {i} is not a string.")).ToList();
        if (vocab.Count < 2 || vocab[PadId] != PadToken || vocab[UnknownId] != UnknownToken)
            throw new InvalidDataException($"{source}: the vocabulary must start with \"{PadToken}\" and \"{UnknownToken}\".");
        if (vocab.Distinct().Count() != vocab.Count) throw new InvalidDataException($"{source}: the vocabulary has duplicate entries.");
        return vocab;
    }

    internal static JsonArray VocabularyJson(IEnumerable<string> vocab) => new(vocab.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>Most frequent first, ties by ordinal order, so fitting is deterministic.</summary>
    internal static IEnumerable<string> ByFrequency(Dictionary<string, long> counts) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
}
