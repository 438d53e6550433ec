using Strata.Optim;

namespace Strata.Serialization;

/// <summary>
/// Maps an optimizer's <see cref="Optimizer.StateDict"/> ("0.exp_avg", "0.step", ...) to prefixed tensor entries
/// ("optimizer.0.exp_avg", ...) so that it can share one safetensors file with the model's weights.
/// </summary>
public static class OptimizerState
{
    /// <summary>The prefix <see cref="CheckpointFile"/> uses.</summary>
    public const string DefaultPrefix = "optimizer.";

    /// <summary>Copies of the optimizer's state under <paramref name="prefix"/>, sorted by parameter index then name; the caller disposes them.</summary>
    public static List<KeyValuePair<string, Tensor>> ToTensors(Optimizer optimizer, string prefix = DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(prefix);
        return optimizer.StateDict()
            .OrderBy(kv => ParameterIndex(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(prefix + kv.Key, kv.Value))
            .ToList();
    }

    /// <summary>
    /// Replaces the optimizer's state with the entries named <paramref name="prefix"/>+key; entries without the prefix
    /// (such as model weights in the same file) are ignored. The tensors are copied, the caller keeps ownership.
    /// </summary>
    /// <exception cref="ArgumentException">An entry does not fit the optimizer (bad parameter index, shape mismatch).</exception>
    public static void FromTensors(Optimizer optimizer, IEnumerable<KeyValuePair<string, Tensor>> tensors, string prefix = DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(prefix);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) state[name[prefix.Length..]] = t;
        try
        {
            optimizer.LoadStateDict(state);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"OptimizerState.FromTensors: the '{prefix}' entries do not fit this {optimizer.GetType().Name} with {optimizer.Parameters.Count} parameter(s): {e.Message}", nameof(tensors), e);
        }
    }

    private static int ParameterIndex(string key)
    {
        int dot = key.IndexOf('.');
        return dot > 0 && int.TryParse(key.AsSpan(0, dot), out int i) ? i : int.MaxValue;
    }
}
