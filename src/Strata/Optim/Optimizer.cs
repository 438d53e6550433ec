using Strata.Autograd;
using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// Base class of the optimizers (PyTorch's <c>torch.optim.Optimizer</c>, one parameter group). Per-parameter state
/// tensors live outside every scope and are reused across steps; <see cref="StateDict"/> keys them "index.name"
/// (e.g. "0.exp_avg", "0.step").
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<string, Tensor> _state = new();

    protected Optimizer(IEnumerable<Parameter> parameters, double lr)
    {
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException("Optimizer: got an empty parameter list.");
        if (lr < 0) throw new ArgumentException($"Optimizer: invalid learning rate {lr}.");
        LearningRate = lr;
        Steps = new long[Parameters.Count];
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/> (settable, for schedules).</summary>
    public double LearningRate { get; set; }

    /// <summary>Per-parameter step counts (saved as "index.step").</summary>
    protected long[] Steps { get; }

    /// <summary>Zeros every parameter's gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>Applies one update to every parameter that requires grad and has a gradient.</summary>
    public void Step()
    {
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < Parameters.Count; i++)
            {
                var p = Parameters[i];
                if (!p.RequiresGrad || p.Grad is null) continue;
                using var scope = Tensor.Scope();
                Update(i, p.Data, p.Grad);
            }
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place; runs under no-grad inside a tensor scope.</summary>
    protected abstract void Update(int index, Tensor p, Tensor grad);

    /// <summary>The state tensor "index.name", created (outside any scope) with <paramref name="init"/> on first use.</summary>
    protected Tensor State(int index, string name, Tensor like, double init = 0)
    {
        var key = $"{index}.{name}";
        if (!_state.TryGetValue(key, out var t))
        {
            t = Tensor.FullLike(like, init);
            TensorScope.Current?.Keep(t);
            _state[key] = t;
        }
        return t;
    }

    protected bool HasState(int index, string name) => _state.ContainsKey($"{index}.{name}");

    /// <summary>Copies of the per-parameter state, keyed "index.name" ("0.exp_avg", "0.step", ...).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        using (GradMode.NoGrad())
        {
            foreach (var (k, v) in _state)
            {
                var c = v.Clone();
                TensorScope.Current?.Keep(c);
                d[k] = c;
            }
            for (int i = 0; i < Steps.Length; i++)
            {
                if (Steps[i] == 0) continue;
                var s = Tensor.Full(new[] { 1 }, Steps[i], DType.Float64);
                TensorScope.Current?.Keep(s);
                d[$"{i}.step"] = s;
            }
        }
        return d;
    }

    /// <summary>Replaces the state with copies of <paramref name="state"/> (as produced by <see cref="StateDict"/>).</summary>
    public void LoadStateDict(Dictionary<string, Tensor> state)
    {
        foreach (var t in _state.Values) t.Dispose();
        _state.Clear();
        Array.Clear(Steps);
        using (GradMode.NoGrad())
        {
            foreach (var (k, v) in state)
            {
                int dot = k.IndexOf('.');
                if (dot <= 0 || !int.TryParse(k.AsSpan(0, dot), out int i) || i < 0 || i >= Parameters.Count)
                    throw new ArgumentException($"LoadStateDict: bad key '{k}' for {Parameters.Count} parameter(s).");
                var name = k[(dot + 1)..];
                if (name == "step")
                {
                    Steps[i] = (long)v.To(DType.Float64).ToArray<double>()[0];
                    continue;
                }
                var p = Parameters[i].Data;
                if (v.Shape != p.Shape)
                    throw new ArgumentException($"LoadStateDict: '{k}' has shape {v.Shape}, the parameter has {p.Shape}.");
                var c = Tensor.ZerosLike(p);
                TensorScope.Current?.Keep(c);
                c.CopyFrom(v);
                _state[k] = c;
            }
        }
    }
}
