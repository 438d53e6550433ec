namespace Strata.Optim.Schedules;

/// <summary>
/// Base class of the learning-rate schedules (PyTorch's <c>torch.optim.lr_scheduler</c>). A schedule scales each
/// parameter group's base rate, its "initial_lr" option (set from the group's "lr" by the first schedule attached, as
/// PyTorch), and writes the result into the group's "lr". Construction already applies epoch 0; call <see cref="Step"/>
/// after each epoch's <c>optimizer.Step()</c> calls (after each batch for schedules documented as per-batch).
/// <para>
/// The rate is computed in closed form from the base rate and <see cref="LastEpoch"/> (PyTorch's
/// <c>_get_closed_form_lr</c>); PyTorch's default chainable update gives the same values up to rounding, but here a
/// manual change of <c>lr</c> is overwritten at the next step instead of being carried forward.
/// </para>
/// </summary>
public abstract class LRScheduler
{
    private double[] _lastLrs = Array.Empty<double>();

    /// <param name="optimizer">The optimizer whose groups are scheduled.</param>
    /// <param name="lastEpoch">The index of the last epoch done when resuming (each group must then have "initial_lr"); -1 to start.</param>
    protected LRScheduler(Optimizer optimizer, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (lastEpoch < -1) throw new ArgumentOutOfRangeException(nameof(lastEpoch), $"{Name}: lastEpoch must be -1 (start) or a finished epoch index, got {lastEpoch}.");
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            if (lastEpoch == -1)
            {
                if (!groups[i].Has("initial_lr")) groups[i]["initial_lr"] = groups[i].LearningRate;
            }
            else if (!groups[i].Has("initial_lr"))
                throw new ArgumentException($"{Name}: parameter group {i} has no 'initial_lr' to resume from (lastEpoch {lastEpoch}); create the schedule with lastEpoch -1 or load a state that has it.");
        }
        BaseLearningRates = groups.Select(g => g["initial_lr"]).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>The schedule's name in messages ("StepLR").</summary>
    protected string Name => GetType().Name;

    public Optimizer Optimizer { get; }

    /// <summary>The index of the epoch (or batch, for per-batch schedules) whose rate is in effect; 0 after construction.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each group's base rate, the value the schedule scales.</summary>
    public IReadOnlyList<double> BaseLearningRates { get; protected set; }

    /// <summary>The learning rates the schedule last set, one per group.</summary>
    public IReadOnlyList<double> CurrentLearningRates => _lastLrs;

    /// <summary>A copy of <see cref="CurrentLearningRates"/> (PyTorch's <c>get_last_lr()</c>).</summary>
    public double[] GetLastLr() => (double[])_lastLrs.Clone();

    /// <summary>Advances one epoch (or batch) and sets the groups' learning rates for it.</summary>
    public void Step() => SetEpoch(LastEpoch + 1);

    /// <summary>The learning rate of each group at <paramref name="epoch"/>.</summary>
    protected abstract double[] ComputeLearningRates(int epoch);

    /// <summary>Applies epoch 0 (or the resumed epoch + 1); derived constructors call it last, once their fields are set.</summary>
    protected void InitialStep() => Step();

    /// <summary>Moves to <paramref name="epoch"/> and writes its rates into the groups.</summary>
    internal void SetEpoch(int epoch)
    {
        var lrs = ComputeLearningRates(epoch);
        var groups = Optimizer.ParamGroups;
        if (lrs.Length != groups.Count)
            throw new InvalidOperationException($"{Name}: the optimizer has {groups.Count} parameter group(s) but the schedule was set up for {lrs.Length}.");
        for (int i = 0; i < groups.Count; i++) groups[i].LearningRate = lrs[i];
        LastEpoch = epoch;
        _lastLrs = lrs;
        OnEpoch(epoch);
    }

    /// <summary>Called after the rates of <paramref name="epoch"/> are set, for schedules that also set other options (momentum).</summary>
    protected virtual void OnEpoch(int epoch) { }

    /// <summary>
    /// The schedule's state: "last_epoch", "base_lr.i" per group and anything a derived schedule adds. The
    /// configuration (step size, gamma, ...) is not included: restore into a schedule built with the same arguments.
    /// </summary>
    public Dictionary<string, double> StateDict()
    {
        var d = new Dictionary<string, double> { ["last_epoch"] = LastEpoch };
        for (int i = 0; i < BaseLearningRates.Count; i++) d[$"base_lr.{i}"] = BaseLearningRates[i];
        for (int i = 0; i < _lastLrs.Length; i++) d[$"last_lr.{i}"] = _lastLrs[i];
        SaveState(d);
        return d;
    }

    /// <summary>
    /// Restores a <see cref="StateDict"/> and sets the optimizer's rates (and the groups' "initial_lr") for the
    /// restored epoch, so the next <see cref="Step"/> continues exactly as the saved schedule would have.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int n = Optimizer.ParamGroups.Count;
        if (!state.TryGetValue("last_epoch", out var le) || le < 0 || le != Math.Floor(le))
            throw new ArgumentException($"{Name}.LoadStateDict: missing or invalid 'last_epoch'.");
        var bases = new double[n];
        for (int i = 0; i < n; i++)
            if (!state.TryGetValue($"base_lr.{i}", out bases[i]))
                throw new ArgumentException($"{Name}.LoadStateDict: missing 'base_lr.{i}' (the optimizer has {n} parameter group(s)).");
        if (state.ContainsKey($"base_lr.{n}"))
            throw new ArgumentException($"{Name}.LoadStateDict: the state has more parameter groups than the optimizer ({n}).");
        LoadState(state);
        BaseLearningRates = bases;
        for (int i = 0; i < n; i++) Optimizer.ParamGroups[i]["initial_lr"] = bases[i];
        SetEpoch((int)le);
    }

    /// <summary>Adds derived state to <paramref name="state"/> (nothing by default).</summary>
    protected virtual void SaveState(Dictionary<string, double> state) { }

    /// <summary>Reads derived state saved by <see cref="SaveState"/>; called before the rates are re-applied.</summary>
    protected virtual void LoadState(IReadOnlyDictionary<string, double> state) { }

    public override string ToString() => $"{Name}(last_epoch={LastEpoch}, lr=[{string.Join(", ", _lastLrs.Select(v => v.ToString("G6")))}])";
}
