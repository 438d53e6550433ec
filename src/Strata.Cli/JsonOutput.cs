using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Serialization;

namespace Strata.Cli;

internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="json"/> atomically, indented, with a trailing newline.</summary>
    public static void Write(string path, JsonObject json) => AtomicFile.WriteAllText(path, json.ToJsonString(Indented) + "\n");
}
