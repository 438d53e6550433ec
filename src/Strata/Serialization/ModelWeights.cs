using System.Text;
using Strata.Autograd;
using Strata.NN;

namespace Strata.Serialization;

/// <summary>
/// Saves and loads a module's weights as a safetensors file keyed by PyTorch-style names ("0.weight", "fc1.bias"),
/// so the file also loads into the equivalent PyTorch model with <c>safetensors.torch.load_file</c>.
/// </summary>
public static class ModelWeights
{
    /// <summary>The module's saved tensors (its state dict: parameters and buffers), by name; the live tensors, so loading writes into them.</summary>
    internal static IEnumerable<KeyValuePair<string, Tensor>> Entries(Module module) =>
        module.StateDict();

    /// <summary>Writes every parameter and buffer (running statistics) of <paramref name="module"/> to <paramref name="path"/> (atomically).</summary>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        SafeTensors.Save(path, Entries(module), metadata);
    }

    /// <summary>
    /// Copies the weights stored in <paramref name="path"/> into <paramref name="module"/>. Nothing is changed unless
    /// every check passes. Shapes and dtypes must match; names must match too when <paramref name="strict"/> (as in
    /// PyTorch's <c>load_state_dict</c>), otherwise missing and unexpected names are only reported in the result.
    /// </summary>
    /// <exception cref="InvalidDataException">Lists every difference at once: missing, unexpected, shape and dtype mismatches.</exception>
    public static WeightsLoadResult Load(Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var file = SafeTensors.Load(path);
        return Load(module, file.Tensors, strict, $"the weights in '{path}'");
    }

    /// <summary>As <see cref="Load(Module, string, bool)"/>, from tensors already in memory (e.g. a <see cref="Checkpoint"/>'s model tensors).</summary>
    public static WeightsLoadResult Load(Module module, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool strict = true) =>
        Load(module, tensors, strict, "the given weights");

    private static WeightsLoadResult Load(Module module, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool strict, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var expected = Entries(module).ToList();
        var given = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors) given[name] = t;

        var missing = expected.Where(e => !given.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        var expectedNames = expected.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var unexpected = given.Keys.Where(n => !expectedNames.Contains(n)).ToList();
        var mismatches = new List<string>();
        foreach (var (name, target) in expected)
        {
            if (!given.TryGetValue(name, out var t)) continue;
            if (t.Shape != target.Shape)
                mismatches.Add($"'{name}': shape mismatch, the module expects {target.Shape}, the weights have {t.Shape}");
            if (t.DType != target.DType)
                mismatches.Add($"'{name}': dtype mismatch, the module expects {target.DType.Name()}, the weights have {t.DType.Name()}");
        }

        if (mismatches.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new InvalidDataException(Report(module, source, missing, unexpected, mismatches, strict, expected.Count));

        using (GradMode.NoGrad())
            foreach (var (name, target) in expected)
                if (given.TryGetValue(name, out var t)) target.CopyFrom(t);
        return new WeightsLoadResult(missing, unexpected);
    }

    private static string Report(Module module, string source, List<string> missing, List<string> unexpected, List<string> mismatches, bool strict, int parameterCount)
    {
        int problems = mismatches.Count + (strict ? missing.Count + unexpected.Count : 0);
        var sb = new StringBuilder($"ModelWeights.Load: {source} do not match {module} ({problems} problem{(problems == 1 ? "" : "s")}); nothing was loaded.");
        if (strict && missing.Count > 0) sb.Append("\n  missing (in the module, not in the weights): ").Append(string.Join(", ", missing.Select(n => $"'{n}'")));
        if (strict && unexpected.Count > 0) sb.Append("\n  unexpected (in the weights, not in the module): ").Append(string.Join(", ", unexpected.Select(n => $"'{n}'")));
        foreach (var m in mismatches) sb.Append("\n  ").Append(m);
        if (parameterCount == 0)
            sb.Append("\n  The module has no parameters yet: layers that infer their sizes are built by the first call, so run it once on an input of the right shape before loading.");
        return sb.ToString();
    }
}
