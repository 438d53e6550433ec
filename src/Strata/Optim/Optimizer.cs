using Strata.Autograd;
using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// Base class of the optimizers (PyTorch's <c>torch.optim.Optimizer</c>). Parameters are organised in
/// <see cref="ParamGroups"/>, each with its own hyper-parameters; options a group does not set take the
/// optimizer's <see cref="Defaults"/> (the constructor arguments). Per-parameter state tensors live outside every
/// scope and are reused across steps; they are keyed by the parameter's position over all groups in order.
/// <para>
/// Gradient clipping follows Keras' optimizer options: <see cref="ClipNorm"/> rescales each parameter's gradient
/// to at most that L2 norm (Keras <c>clipnorm</c>, per variable), <see cref="GlobalClipNorm"/> rescales all gradients
/// together so that their joint L2 norm is at most that value (Keras <c>global_clipnorm</c>, what PyTorch's
/// <see cref="ClipGrad.Norm"/> does), and <see cref="ClipValue"/> clamps every element to [-v, v]. They are applied
/// inside <see cref="Step"/> to the gradients used for the update (norm clipping first, then value clipping);
/// <c>Parameter.Grad</c> itself is left unchanged.
/// </para>
/// </summary>
public abstract class Optimizer
{
    private const string GroupPrefix = "param_groups.";

    private readonly Dictionary<string, Tensor> _state = new();
    private readonly List<ParamGroup> _groups = new();
    private readonly List<Parameter> _parameters = new();
    private readonly List<int> _groupOf = new();
    private readonly Dictionary<string, double> _defaults;
    private double? _clipNorm, _globalClipNorm, _clipValue;

    /// <summary>One group holding <paramref name="parameters"/>, with the options <paramref name="defaults"/> (which must contain "lr").</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, IReadOnlyDictionary<string, double> defaults)
        : this(new[] { new ParamGroup(parameters) }, defaults) { }

    /// <summary>
    /// The given groups; options they leave unset are taken from <paramref name="defaults"/>. Calls
    /// <see cref="CheckGroup"/> and <see cref="InitializeState"/>, so overrides must not rely on the subclass's fields.
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, double> defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _defaults = new Dictionary<string, double>(defaults);
        if (!_defaults.ContainsKey("lr")) throw new ArgumentException($"{Name}: the defaults must contain 'lr'.");
        foreach (var g in groups) AddParamGroup(g);
        if (_parameters.Count == 0) throw new ArgumentException($"{Name}: got an empty parameter list.");
    }

    /// <summary>The optimizer's name in messages ("Adam").</summary>
    protected string Name => GetType().Name;

    /// <summary>Every parameter, in group order (the index used by the state keys).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The parameter groups (PyTorch's <c>param_groups</c>); their options can be changed between steps.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>The option values a new group starts from (the constructor arguments), by PyTorch name.</summary>
    public IReadOnlyDictionary<string, double> Defaults => _defaults;

    /// <summary>
    /// The learning rate: reading gives the first group's, setting sets every group's (schedules instead set each
    /// group from its own base rate).
    /// </summary>
    public double LearningRate
    {
        get => _groups[0].LearningRate;
        set
        {
            if (value < 0 || double.IsNaN(value)) throw new ArgumentOutOfRangeException(nameof(value), $"{Name}: invalid learning rate {value}.");
            SetOption("lr", value);
        }
    }

    /// <summary>Keras <c>clipnorm</c>: each parameter's gradient is rescaled to L2 norm at most this. Null (default) disables it.</summary>
    public double? ClipNorm
    {
        get => _clipNorm;
        set
        {
            CheckClip(nameof(ClipNorm), value);
            if (value != null && _globalClipNorm != null)
                throw new InvalidOperationException($"{Name}: ClipNorm and GlobalClipNorm cannot both be set (as Keras' clipnorm and global_clipnorm).");
            _clipNorm = value;
        }
    }

    /// <summary>Keras <c>global_clipnorm</c>: all gradients are rescaled together to a joint L2 norm of at most this. Null (default) disables it.</summary>
    public double? GlobalClipNorm
    {
        get => _globalClipNorm;
        set
        {
            CheckClip(nameof(GlobalClipNorm), value);
            if (value != null && _clipNorm != null)
                throw new InvalidOperationException($"{Name}: ClipNorm and GlobalClipNorm cannot both be set (as Keras' clipnorm and global_clipnorm).");
            _globalClipNorm = value;
        }
    }

    /// <summary>Keras <c>clipvalue</c>: every gradient element is clamped to [-ClipValue, ClipValue]. Null (default) disables it.</summary>
    public double? ClipValue
    {
        get => _clipValue;
        set
        {
            CheckClip(nameof(ClipValue), value);
            _clipValue = value;
        }
    }

    private void CheckClip(string name, double? value)
    {
        if (value is double v && !(v > 0 && double.IsFinite(v)))
            throw new ArgumentOutOfRangeException(name, $"{Name}: {name} must be a positive finite number or null, got {v}.");
    }

    /// <summary>Per-parameter step counts (saved as "index.step").</summary>
    protected List<long> Steps { get; } = new();

    /// <summary>
    /// Adds a group (PyTorch's <c>add_param_group</c>), e.g. to train layers unfrozen during fine-tuning. Unset options
    /// take <see cref="Defaults"/>; a parameter may belong to one group only.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        int gi = _groups.Count;
        if (_groups.Any(g => ReferenceEquals(g, group)))
            throw new ArgumentException($"{Name}: this parameter group was already added (group {_groups.FindIndex(g => ReferenceEquals(g, group))}).");
        var seen = new HashSet<Parameter>(_parameters, ReferenceEqualityComparer.Instance);
        for (int k = 0; k < group.Parameters.Count; k++)
        {
            if (!seen.Add(group.Parameters[k]))
                throw new ArgumentException($"{Name}: parameter {k} of group {gi} (shape {group.Parameters[k].Shape}) appears more than once across the parameter groups.");
        }
        foreach (var key in group.Options.Keys)
            if (!_defaults.ContainsKey(key) && !ParamGroup.ScheduleOptions.Contains(key))
                throw new ArgumentException($"{Name}: parameter group {gi} sets unknown option '{key}'; valid options: {string.Join(", ", _defaults.Keys)}.");
        foreach (var (key, value) in _defaults)
            if (!group.Has(key)) group[key] = value;
        if (group.LearningRate < 0) throw new ArgumentException($"{Name}: parameter group {gi} has invalid lr {group.LearningRate}.");
        if (group.Has("weight_decay") && group.WeightDecay < 0) throw new ArgumentException($"{Name}: parameter group {gi} has invalid weight_decay {group.WeightDecay}.");
        CheckGroup(group, gi);
        _groups.Add(group);
        foreach (var p in group.Parameters)
        {
            _parameters.Add(p);
            _groupOf.Add(gi);
            Steps.Add(0);
            InitializeState(_parameters.Count - 1, p.Data, group);
        }
    }

    /// <summary>Validates a group's options (its defaults already filled in); throws naming the optimizer and <paramref name="index"/>.</summary>
    protected virtual void CheckGroup(ParamGroup group, int index) { }

    /// <summary>Creates state a parameter needs before its first step (Adagrad's accumulator); nothing by default.</summary>
    protected virtual void InitializeState(int index, Tensor p, ParamGroup group) { }

    /// <summary>Sets option <paramref name="name"/> in every group (for the optimizers' convenience setters).</summary>
    protected void SetOption(string name, double value)
    {
        foreach (var g in _groups) g[name] = value;
    }

    /// <summary>The group of parameter <paramref name="index"/>.</summary>
    protected ParamGroup GroupOf(int index) => _groups[_groupOf[index]];

    /// <summary>Zeros every parameter's gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.ZeroGrad();
    }

    /// <summary>Applies one update to every parameter that requires grad and has a gradient, after the clipping options.</summary>
    public void Step()
    {
        using (GradMode.NoGrad())
        using (Tensor.Scope())
        {
            var items = new List<(int Index, Tensor Grad)>();
            for (int i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i];
                if (p.RequiresGrad && p.Grad is not null) items.Add((i, p.Grad));
            }
            Clip(items);
            foreach (var (i, grad) in items)
            {
                using var scope = Tensor.Scope();
                Update(i, _parameters[i].Data, grad, GroupOf(i));
            }
        }
    }

    // Keras' order: the norm clipping (per variable or global), then the value clipping.
    private void Clip(List<(int Index, Tensor Grad)> items)
    {
        if (_clipNorm is double c)
        {
            for (int k = 0; k < items.Count; k++)
            {
                double norm = Math.Sqrt(items[k].Grad.Square().Sum().Item());
                if (norm > c) items[k] = (items[k].Index, items[k].Grad.Mul(c / norm));
            }
        }
        if (_globalClipNorm is double gc)
        {
            double sq = 0;
            foreach (var (_, g) in items) sq += g.Square().Sum().Item();
            double norm = Math.Sqrt(sq);
            if (norm > gc)
                for (int k = 0; k < items.Count; k++) items[k] = (items[k].Index, items[k].Grad.Mul(gc / norm));
        }
        if (_clipValue is double v)
            for (int k = 0; k < items.Count; k++) items[k] = (items[k].Index, items[k].Grad.Clamp(-v, v));
    }

    /// <summary>
    /// Updates parameter <paramref name="index"/> in place with the hyper-parameters of <paramref name="group"/>;
    /// runs under no-grad inside a tensor scope.
    /// </summary>
    protected abstract void Update(int index, Tensor p, Tensor grad, ParamGroup group);

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

    /// <summary>
    /// Copies of the optimizer's state, owned by the caller: per-parameter tensors keyed "index.name" ("0.exp_avg",
    /// "0.step" for parameters that have stepped), and every group option as a one-element float64 tensor keyed
    /// "param_groups.group.option" ("param_groups.1.lr", "param_groups.0.initial_lr", ...).
    /// </summary>
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
            for (int i = 0; i < Steps.Count; i++)
                if (Steps[i] != 0) d[$"{i}.step"] = ScalarTensor(Steps[i]);
            for (int g = 0; g < _groups.Count; g++)
                foreach (var (k, v) in _groups[g].Options)
                    d[$"{GroupPrefix}{g}.{k}"] = ScalarTensor(v);
        }
        return d;
    }

    private static Tensor ScalarTensor(double v)
    {
        var s = Tensor.Full(new[] { 1 }, v, DType.Float64);
        TensorScope.Current?.Keep(s);
        return s;
    }

    /// <summary>
    /// Replaces the state with copies of <paramref name="state"/> (as produced by <see cref="StateDict"/>) and sets the
    /// groups' options it contains. Everything is validated before anything changes.
    /// </summary>
    public void LoadStateDict(Dictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var steps = new long[_parameters.Count];
        var tensors = new List<(string Key, int Index, Tensor Value)>();
        var options = new List<(int Group, string Name, double Value)>();
        foreach (var (k, v) in state)
        {
            if (k.StartsWith(GroupPrefix, StringComparison.Ordinal))
            {
                var rest = k[GroupPrefix.Length..];
                int dot = rest.IndexOf('.');
                if (dot <= 0 || !int.TryParse(rest.AsSpan(0, dot), out int g) || g < 0 || g >= _groups.Count || dot == rest.Length - 1)
                    throw new ArgumentException($"{Name}.LoadStateDict: bad key '{k}' for {_groups.Count} parameter group(s).");
                var option = rest[(dot + 1)..];
                if (!_defaults.ContainsKey(option) && !ParamGroup.ScheduleOptions.Contains(option))
                    throw new ArgumentException($"{Name}.LoadStateDict: '{k}' is not an option of {Name} (valid: {string.Join(", ", _defaults.Keys.Concat(ParamGroup.ScheduleOptions))}); was the state saved from another optimizer?");
                options.Add((g, option, ScalarValue(k, v)));
                continue;
            }
            int d = k.IndexOf('.');
            if (d <= 0 || !int.TryParse(k.AsSpan(0, d), out int i) || i < 0 || i >= _parameters.Count)
                throw new ArgumentException($"{Name}.LoadStateDict: bad key '{k}' for {_parameters.Count} parameter(s).");
            var name = k[(d + 1)..];
            if (name == "step")
            {
                steps[i] = (long)ScalarValue(k, v);
                continue;
            }
            var p = _parameters[i].Data;
            if (v.Shape != p.Shape)
                throw new ArgumentException($"{Name}.LoadStateDict: '{k}' has shape {v.Shape}, parameter {i} has {p.Shape}.");
            tensors.Add((k, i, v));
        }

        foreach (var t in _state.Values) t.Dispose();
        _state.Clear();
        for (int i = 0; i < steps.Length; i++) Steps[i] = steps[i];
        using (GradMode.NoGrad())
        {
            foreach (var (k, i, v) in tensors)
            {
                var c = Tensor.ZerosLike(_parameters[i].Data);
                TensorScope.Current?.Keep(c);
                c.CopyFrom(v);
                _state[k] = c;
            }
        }
        foreach (var (g, n, v) in options) _groups[g][n] = v;
    }

    private double ScalarValue(string key, Tensor v)
    {
        if (v.Numel != 1)
            throw new ArgumentException($"{Name}.LoadStateDict: '{key}' must hold one value, got shape {v.Shape}.");
        using (GradMode.NoGrad())
        {
            var d = v.To(DType.Float64);
            double x = d.ToArray<double>()[0];
            if (!ReferenceEquals(d, v)) d.Dispose();
            return x;
        }
    }
}
