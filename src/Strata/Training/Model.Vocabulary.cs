using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Data.Text;

namespace Strata.Training;

// What a model needs besides its weights to be used on raw data: the tokenizer that turned text into its input ids
// and the names of its output classes. Both travel in the model file's metadata, so a saved text model is
// complete (Keras keeps a TextVectorization layer inside the model for the same reason).
public partial class Model
{
    /// <summary>
    /// The tokenizer that produced the model's input ids (text models), or null. Saved with the model by
    /// <see cref="Save"/> and restored by <see cref="Load"/>, so predictions on new text use the same vocabulary.
    /// </summary>
    public Tokenizer? Tokenizer { get; set; }

    /// <summary>Names of the output classes in index order (for reports and predictions), or null; saved with the model.</summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    private void WriteVocabulary(Dictionary<string, string> metadata)
    {
        if (Tokenizer is not null) metadata[FileKeys.Tokenizer] = Tokenizer.ToJson().ToJsonString();
        if (ClassNames is not null) metadata[FileKeys.ClassNames] = JsonSerializer.Serialize(ClassNames);
    }

    private void ReadVocabulary(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (metadata.TryGetValue(FileKeys.Tokenizer, out var tok))
        {
            JsonNode? node;
            try { node = JsonNode.Parse(tok); }
            catch (JsonException e) { throw new InvalidDataException($"{path}: the '{FileKeys.Tokenizer}' metadata is not valid JSON: {e.Message}"); }
            Tokenizer = Tokenizer.FromJson(node as JsonObject ?? throw new InvalidDataException($"{path}: the '{FileKeys.Tokenizer}' metadata is not a JSON object."), path);
        }
        if (metadata.TryGetValue(FileKeys.ClassNames, out var names))
        {
            try { ClassNames = JsonSerializer.Deserialize<string[]>(names) ?? throw new JsonException("null"); }
            catch (JsonException e) { throw new InvalidDataException($"{path}: the '{FileKeys.ClassNames}' metadata is not a JSON array of strings: {e.Message}"); }
        }
    }
}
