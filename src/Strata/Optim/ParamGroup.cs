using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// A set of parameters that share hyper-parameters (PyTorch's <c>optimizer.param_groups</c> entries). Options are
/// doubles keyed by PyTorch's names ("lr", "weight_decay", "momentum", "beta1", "eps", ...; flags such as
/// "nesterov" are 0 or 1). Options left unset take the optimizer's defaults when the group is handed to it:
/// <code>
/// var opt = new Adam(new[]
/// {
///     new ParamGroup(model.Backbone.Parameters()) { LearningRate = 1e-4 },
///     new ParamGroup(model.Head.Parameters()) { ["beta2"] = 0.99 },
/// }, lr: 1e-3);
/// </code>
/// The optimizer keeps (and schedules change) this same object, so its values are always the live ones.
/// </summary>
public sealed class ParamGroup
{
    /// <summary>Option names that learning-rate schedules store in a group, besides the optimizer's own.</summary>
    public static readonly IReadOnlyList<string> ScheduleOptions = new[] { "initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum" };

    private readonly Dictionary<string, double> _options = new();

    /// <summary>A group of <paramref name="parameters"/> (the sequence is copied).</summary>
    public ParamGroup(IEnumerable<Parameter> parameters)
    {
        if (parameters is NN.ModuleParameters fromModule) fromModule.CheckBuilt("Optimizer");
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        for (int i = 0; i < Parameters.Count; i++)
            if (Parameters[i] is null) throw new ArgumentException($"ParamGroup: parameter {i} is null.");
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The value of option <paramref name="name"/>; reading an option that is not set throws.</summary>
    public double this[string name]
    {
        get => _options.TryGetValue(name, out var v)
            ? v
            : throw new KeyNotFoundException($"ParamGroup: option '{name}' is not set (set: {(_options.Count == 0 ? "none" : string.Join(", ", _options.Keys))}).");
        set
        {
            if (double.IsNaN(value)) throw new ArgumentException($"ParamGroup: option '{name}' cannot be NaN.");
            _options[name] = value;
        }
    }

    /// <summary>The options set so far, by name.</summary>
    public IReadOnlyDictionary<string, double> Options => _options;

    public bool Has(string name) => _options.ContainsKey(name);

    public bool TryGet(string name, out double value) => _options.TryGetValue(name, out value);

    /// <summary>Removes option <paramref name="name"/>; returns whether it was set.</summary>
    public bool Remove(string name) => _options.Remove(name);

    /// <summary>The group's learning rate ("lr").</summary>
    public double LearningRate
    {
        get => this["lr"];
        set => this["lr"] = value;
    }

    /// <summary>The group's weight decay ("weight_decay").</summary>
    public double WeightDecay
    {
        get => this["weight_decay"];
        set => this["weight_decay"] = value;
    }

    /// <summary>The learning rate a schedule scales ("initial_lr"; set by the first schedule attached), or null.</summary>
    public double? InitialLearningRate => _options.TryGetValue("initial_lr", out var v) ? v : null;

    public override string ToString() =>
        $"ParamGroup({Parameters.Count} parameter(s): {string.Join(", ", _options.Select(kv => $"{kv.Key}={kv.Value:G6}"))})";
}
