using Strata.Autograd;

namespace Strata.NN;

/// <summary>
/// Shared behaviour of <see cref="BatchNorm1D"/> and <see cref="BatchNorm2D"/> (PyTorch <c>_BatchNorm</c>): per-channel
/// normalisation of dim 1 with affine weight (ones) and bias (zeros) parameters, and buffers running_mean (zeros),
/// running_var (ones) and num_batches_tracked (int64 0). In training mode the batch statistics normalise and the running
/// statistics are updated: r ← (1 − momentum)·r + momentum·batch, with the unbiased batch variance; momentum null gives the
/// cumulative average (momentum = 1/num_batches_tracked), as PyTorch. In evaluation mode the running statistics normalise.
/// Built lazily from the input's channel dim when <c>numFeatures</c> is null.
/// </summary>
public abstract class BatchNormBase : Module
{
    private protected BatchNormBase(int? numFeatures, double eps, double? momentum, bool affine, DType dtype)
    {
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), $"{GetType().Name}: eps must be positive and finite, got {eps}.");
        if (momentum is double m && !(m >= 0 && m <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), $"{GetType().Name}: momentum must be in [0, 1] or null (cumulative average), got {m}.");
        if (!dtype.IsFloating()) throw new ArgumentException($"{GetType().Name}: dtype must be floating-point, got {dtype.Name()}.");
        Eps = eps; Momentum = momentum; Affine = affine; DType = dtype;
        if (numFeatures is int c) { Create(c); MarkBuilt(); }
    }

    public int? NumFeatures { get; private set; }
    public double Eps { get; }
    /// <summary>The running-statistics update factor; null for a cumulative moving average.</summary>
    public double? Momentum { get; }
    public bool Affine { get; }
    public DType DType { get; }
    public Parameter? Weight { get; private set; }
    public Parameter? Bias { get; private set; }
    /// <summary>Buffer "running_mean" [C].</summary>
    public Tensor? RunningMean { get; private set; }
    /// <summary>Buffer "running_var" [C].</summary>
    public Tensor? RunningVar { get; private set; }
    /// <summary>Buffer "num_batches_tracked": an int64 scalar counting the training batches seen.</summary>
    public Tensor? NumBatchesTracked { get; private set; }

    /// <summary>The accepted input layouts, for messages, e.g. "[N, C] or [N, C, L]".</summary>
    private protected abstract string Layouts { get; }

    private protected abstract bool AcceptsRank(int rank);

    private string Label => $"{GetType().Name}({NumFeatures?.ToString() ?? "?"})";

    private void Create(int numFeatures)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{GetType().Name}: numFeatures must be positive, got {numFeatures}.");
        NumFeatures = numFeatures;
        if (Affine)
        {
            Weight = new Parameter(Tensor.Ones(new[] { numFeatures }, DType));
            Bias = new Parameter(Tensor.Zeros(new[] { numFeatures }, DType));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(new[] { numFeatures }, DType));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(new[] { numFeatures }, DType));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros(Array.Empty<int>(), DType.Int64));
    }

    protected override void Build(Shape inputShape)
    {
        if (!AcceptsRank(inputShape.Rank)) throw new ArgumentException($"{Label}: expects input {Layouts}, got shape {inputShape}.");
        Create(inputShape[1]);
    }

    public override Tensor Forward(Tensor x)
    {
        if (RunningMean is null || RunningVar is null || NumBatchesTracked is null)
            throw new InvalidOperationException($"{Label}: not built; call Invoke(x) or pass numFeatures.");
        if (!AcceptsRank(x.Rank) || x.Size(1) != NumFeatures)
            throw new ArgumentException($"{Label}: expects input {Layouts} with C = {NumFeatures}, got shape {x.Shape}.");
        if (x.DType != DType)
            throw new ArgumentException($"{Label}: built for {DType.Name()} inputs, got {x.DType.Name()} input of shape {x.Shape}.");
        double factor = 0;
        if (IsTraining)
        {
            if (x.Numel / NumFeatures!.Value <= 1)
                throw new ArgumentException($"{Label}: training needs more than 1 value per channel to compute batch statistics, got input of shape {x.Shape}.");
            long batches;
            using (GradMode.NoGrad()) batches = NumBatchesTracked.Item<long>() + 1;
            using (GradMode.NoGrad()) NumBatchesTracked.Fill_(batches);
            factor = Momentum ?? 1.0 / batches;
        }
        return Functional.BatchNorm(x, RunningMean, RunningVar, Weight?.Data, Bias?.Data, IsTraining, factor, Eps);
    }

    public override string ToString() => Label;
}
