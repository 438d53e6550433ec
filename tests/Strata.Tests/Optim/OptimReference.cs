using System.Text.Json;

namespace Strata.Tests.Optim;

/// <summary>Reads reference/optim_reference.json (written by tests/reference/make_optim_reference.py with PyTorch 1.13).</summary>
internal static class OptimReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "optim_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    public static JsonElement Get(string section) => Root.Value.GetProperty(section);

    public static JsonElement Case(string section, string name) =>
        Get(section).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    public static IEnumerable<object[]> Names(string section) =>
        Get(section).EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double Number(JsonElement obj, string name, double fallback) =>
        obj.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.True ? 1 : v.ValueKind == JsonValueKind.False ? 0 : v.GetDouble()) : fallback;
}
