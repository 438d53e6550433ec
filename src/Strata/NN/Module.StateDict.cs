using System.Text;
using Strata.Autograd;

namespace Strata.NN;

// State dicts: every parameter and buffer under its PyTorch name, for saving, loading and copying weights between models.
public abstract partial class Module
{
    /// <summary>
    /// Every parameter and buffer under its PyTorch name ("0.weight", "1.running_mean", ...), in PyTorch's order: a module's
    /// own parameters, then its own buffers, then each child's entries. A tensor shared by two modules appears once, under
    /// its first name. The values are the module's <b>live tensors, not copies</b>: do not dispose them; writing into them
    /// changes the model, and <see cref="Tensor.Clone"/> takes a snapshot. Lazy layers that are not built yet have no entries.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        AddState(state, seen, "");
        return state;
    }

    private void AddState(OrderedDictionary<string, Tensor> state, HashSet<Tensor> seen, string prefix)
    {
        foreach (var (n, p) in OwnParameters())
            if (seen.Add(p.Data)) state.Add(prefix + n, p.Data);
        foreach (var (n, b) in _buffers)
            if (seen.Add(b)) state.Add(prefix + n, b);
        foreach (var (n, m) in NamedChildren())
            m.AddState(state, seen, prefix + n + ".");
    }

    /// <summary>
    /// Copies the values of <paramref name="state"/> into this module's parameters and buffers (in place, without
    /// recording autograd), as PyTorch's <c>load_state_dict</c>. Everything is checked before anything is copied, and all
    /// problems are reported in one <see cref="ArgumentException"/>: a shape or dtype mismatch always (no conversion is
    /// done), and keys missing from the state or not in the module when <paramref name="strict"/> is true. With
    /// <paramref name="strict"/> false those keys are skipped and returned.
    /// A lazy layer has no weights before it is built, so loading into a module with unbuilt lazy layers throws an
    /// <see cref="InvalidOperationException"/> naming them: call the model once (or <see cref="Summary(int[])"/>) first.
    /// </summary>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        string who = $"{GetType().Name}.LoadStateDict";
        var unbuilt = WalkModules().Where(m => !m.Module.IsBuilt && m.Module.IsLazy).ToList();
        if (unbuilt.Count > 0)
            throw new InvalidOperationException($"{who}: the module must be built before loading: lazy layer(s) " +
                string.Join(", ", unbuilt.Select(m => $"'{(m.Name.Length == 0 ? "(root)" : m.Name)}' ({m.Module})")) +
                " create their weights from the first input; call the model once on an input (or Summary(inputShape)) first.");

        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatches = new List<string>();
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var src)) continue;
            if (src is null || src.IsDisposed) mismatches.Add($"\"{name}\": the value is {(src is null ? "null" : "a disposed tensor")}");
            else if (src.Shape != target.Shape) mismatches.Add($"shape mismatch for \"{name}\": expected {target.Shape}, got {src.Shape}");
            else if (src.DType != target.DType) mismatches.Add($"dtype mismatch for \"{name}\": expected {target.DType.Name()}, got {src.DType.Name()}");
        }
        if (mismatches.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var msg = new StringBuilder($"{who}: the state does not match the module");
            if (strict && missing.Count > 0)
                msg.Append($"\n  missing keys (in the module, not in the state): {string.Join(", ", missing.Select(k => $"\"{k}\""))}");
            if (strict && unexpected.Count > 0)
                msg.Append($"\n  unexpected keys (in the state, not in the module): {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}");
            foreach (var m in mismatches) msg.Append("\n  ").Append(m);
            throw new ArgumentException(msg.ToString(), nameof(state));
        }

        using (GradMode.NoGrad())
            foreach (var (name, target) in own)
                if (state.TryGetValue(name, out var src) && !ReferenceEquals(src, target))
                    target.CopyFrom(src);
        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>True for layers that create their weights in <see cref="Build"/> from the first input's shape.</summary>
    private bool IsLazy => GetType().GetMethod(nameof(Build), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic,
        null, new[] { typeof(Shape) }, null)?.DeclaringType != typeof(Module);
}
