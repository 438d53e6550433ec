using Strata.Backends;

namespace Strata.NN;

/// <summary>Outputs of a recurrent layer run: the sequence and the final states (PyTorch's <c>output, h_n[, c_n]</c>).</summary>
/// <param name="Output">Every step's top-layer hidden state: [N, T, D·H] (batch-first) or [T, N, D·H].</param>
/// <param name="Hidden">Final hidden state of every layer and direction: [L·D, N, H].</param>
/// <param name="Cell">Final LSTM cell state [L·D, N, H]; null for SimpleRNN and GRU.</param>
public sealed record RecurrentOutput(Tensor Output, Tensor Hidden, Tensor? Cell);

/// <summary>
/// Shared machinery of <see cref="SimpleRNN"/>, <see cref="LSTM"/> and <see cref="GRU"/>: stacked layers, both
/// directions, dropout between layers, batch-first or time-major input, initial states, and PyTorch parameter
/// names and layouts (<c>weight_ih_l0</c> [G·H, I], <c>weight_hh_l0</c> [G·H, H], <c>bias_ih_l0</c>, <c>bias_hh_l0</c>,
/// <c>_reverse</c> for the backward direction), so weights load from and into <c>torch.nn.LSTM</c> and friends.
/// The input projection of all time steps is one matrix product per layer and direction; the recurrence then runs as
/// one fused op per layer and direction (<see cref="Functional.RecurrentSequence"/>). <see cref="Module.Forward(Tensor)"/>
/// returns the whole sequence when <see cref="ReturnSequences"/> is set, otherwise the last hidden state (both
/// directions concatenated, as Keras).
/// </summary>
public abstract class RecurrentLayer : Module
{
    private readonly Generator? _generator;
    private readonly List<(Parameter Wih, Parameter Whh, Parameter? Bih, Parameter? Bhh)> _weights = new();

    protected RecurrentLayer(int units, int? inputSize, int numLayers, bool bidirectional, double dropout, bool returnSequences,
        bool batchFirst, bool useBias, Generator? generator, DType dtype)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), $"{GetType().Name}: units must be positive, got {units}.");
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), $"{GetType().Name}: numLayers must be positive, got {numLayers}.");
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"{GetType().Name}: dropout must be in [0, 1), got {dropout}.");
        Units = units;
        NumLayers = numLayers;
        Bidirectional = bidirectional;
        Dropout = dropout;
        ReturnSequences = returnSequences;
        BatchFirst = batchFirst;
        UseBias = useBias;
        DType = dtype;
        _generator = generator;
        if (inputSize is int i) { Create(i); MarkBuilt(); }
    }

    public int Units { get; }
    public int? InputSize { get; private set; }
    public int NumLayers { get; }
    public bool Bidirectional { get; }
    public double Dropout { get; }
    public bool ReturnSequences { get; }
    public bool BatchFirst { get; }
    public bool UseBias { get; }
    public DType DType { get; }

    /// <summary>Rows of the weight matrices per unit: 1 (SimpleRNN), 3 (GRU), 4 (LSTM).</summary>
    protected abstract int Gates { get; }

    /// <summary>Whether the layer carries a cell state (LSTM).</summary>
    protected virtual bool HasCell => false;

    private int Directions => Bidirectional ? 2 : 1;

    private void Create(int inputSize)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"{GetType().Name}: input size must be positive, got {inputSize}.");
        InputSize = inputSize;
        double bound = 1.0 / Math.Sqrt(Units);
        for (int layer = 0; layer < NumLayers; layer++)
            for (int d = 0; d < Directions; d++)
            {
                int inFeatures = layer == 0 ? inputSize : Units * Directions;
                string suffix = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                Parameter P(string name, params int[] shape) =>
                    RegisterParameter(name + suffix, new Parameter(Tensor.Uniform(shape, -bound, bound, _generator, DType)));
                var wih = P("weight_ih", Gates * Units, inFeatures);
                var whh = P("weight_hh", Gates * Units, Units);
                Parameter? bih = UseBias ? P("bias_ih", Gates * Units) : null;
                Parameter? bhh = UseBias ? P("bias_hh", Gates * Units) : null;
                _weights.Add((wih, whh, bih, bhh));
            }
    }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 3)
            throw new ArgumentException($"{GetType().Name}: expects input {(BatchFirst ? "[N, T, features]" : "[T, N, features]")}, got shape {inputShape}.");
        Create(inputShape[-1]);
    }

    public override Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// Runs with a Keras-style mask ([N, T] bool, true = real step): masked steps leave the state unchanged and
    /// output zeros, so right-padded batches give each sequence's own final state (see <see cref="Run"/>).
    /// </summary>
    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        var r = Run(x, mask: mask);
        if (ReturnSequences) return r.Output;
        // Keras: the last state of each direction (the backward one finished at t = 0), concatenated.
        int top = (NumLayers - 1) * Directions;
        return Directions == 1 ? r.Hidden.Select(0, top) : Tensor.Concat(new[] { r.Hidden.Select(0, top), r.Hidden.Select(0, top + 1) }, 1);
    }

    /// <summary>
    /// Runs the layer from the given initial states ([L·D, N, H]; zeros when null) and returns outputs and final states.
    /// <paramref name="lengths"/> ([N] int, each in 1..T) gives each sequence's true length in a padded batch, with the
    /// semantics of PyTorch's packed sequences: steps past a sequence's end leave its state unchanged and output zeros,
    /// the final state is the one at its last real step, and the backward direction starts at that step.
    /// <paramref name="mask"/> ([N, T] bool, true = real step; [T, N] when not batch-first) generalises this to any
    /// pattern (e.g. left padding, Keras masks): every masked step carries the state over unchanged and outputs zeros.
    /// </summary>
    public RecurrentOutput Run(Tensor x, Tensor? h0 = null, Tensor? c0 = null, Tensor? lengths = null, Tensor? mask = null)
    {
        if (lengths is not null && mask is not null) throw new ArgumentException($"{GetType().Name}: pass lengths or mask, not both.");
        if (InputSize is null)
        {
            Build(x.Shape);
            MarkBuilt();
        }
        if (x.Shape.Rank != 3 || x.Shape[-1] != InputSize)
            throw new ArgumentException($"{GetType().Name}: built for {InputSize} input features, got input of shape {x.Shape}; expected {(BatchFirst ? "[N, T, features]" : "[T, N, features]")}.");
        var seq = BatchFirst ? x : x.Transpose(0, 1);
        int n = seq.Shape[0], steps = seq.Shape[1];
        if (steps == 0) throw new ArgumentException($"{GetType().Name}: the input has no time steps.");
        CheckState(h0, "h0", n);
        if (c0 is not null && !HasCell) throw new ArgumentException($"{GetType().Name}: has no cell state; c0 is only for LSTM.");
        CheckState(c0, "c0", n);

        var stepMask = lengths is not null ? LengthMask(lengths, n, steps) : mask is not null ? BatchFirstMask(mask, x, n, steps) : null;
        var finalH = new Tensor[NumLayers * Directions];
        var finalC = HasCell ? new Tensor[NumLayers * Directions] : null;
        var layerInput = seq;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outputs = new Tensor[Directions];
            for (int d = 0; d < Directions; d++)
            {
                int k = layer * Directions + d;
                var (wih, whh, bih, bhh) = _weights[k];
                // All time steps' input projections in one product: [N, T, I] · [I, G·H] → [N, T, G·H]; the recurrence
                // is then one op per layer and direction (fused gate kernels, backpropagation through time in one node),
                // which also adds b_ih: both bias gradients then come from one pass over the gate gradients.
                var xProj = Functional.Linear(layerInput, wih.Data);
                var (stepsOut, hN, cN) = Functional.RecurrentSequence(Cell, xProj, bih?.Data, whh.Data, bhh?.Data,
                    h0?.Select(0, k), HasCell ? c0?.Select(0, k) : null, stepMask, reverse: d == 1);
                outputs[d] = stepsOut;
                finalH[k] = hN;
                if (finalC is not null) finalC[k] = cN!;
            }
            layerInput = Directions == 1 ? outputs[0] : Tensor.Concat(outputs, 2);
            if (layer < NumLayers - 1 && Dropout > 0) layerInput = Functional.Dropout(layerInput, Dropout, IsTraining, _generator);
        }
        var output = BatchFirst ? layerInput : layerInput.Transpose(0, 1);
        return new RecurrentOutput(output, Tensor.Stack(finalH, 0), finalC is null ? null : Tensor.Stack(finalC, 0));
    }

    /// <summary>The cell the recurrence runs (equations and gate order).</summary>
    internal abstract RecurrentCell Cell { get; }

    /// <summary>The [N, T] bool step mask of a padded batch: true for t &lt; length.</summary>
    private Tensor LengthMask(Tensor lengths, int n, int steps)
    {
        if (lengths.Shape.Rank != 1 || lengths.Shape[0] != n || lengths.DType is not (DType.Int32 or DType.Int64))
            throw new ArgumentException($"{GetType().Name}: lengths must be an int tensor [N={n}], got {lengths.DType} {lengths.Shape}.");
        var len = lengths.To(DType.Int64).ToArray<long>();
        if (len.Any(v => v < 1 || v > steps))
            throw new ArgumentException($"{GetType().Name}: every length must be in 1..{steps} (the padded length), got [{string.Join(", ", len)}].");
        var m = new bool[n * steps];
        for (int b = 0; b < n; b++)
            for (int t = 0; t < len[b]; t++) m[b * steps + t] = true;
        return Tensor.FromArray(m, n, steps);
    }

    /// <summary>The caller's mask checked and seen batch-first ([N, T]; it is [T, N] for time-major input).</summary>
    private Tensor BatchFirstMask(Tensor mask, Tensor x, int n, int steps)
    {
        bool ok = mask.DType == DType.Bool && mask.Shape.Rank == 2
            && mask.Shape[BatchFirst ? 0 : 1] == n && mask.Shape[BatchFirst ? 1 : 0] == steps;
        if (!ok)
            throw new ArgumentException($"{GetType().Name}: the mask must be bool {(BatchFirst ? $"[N={n}, T={steps}]" : $"[T={steps}, N={n}]")} (true = real step), got {mask.DType} {mask.Shape} for input {x.Shape}.");
        return BatchFirst ? mask : mask.Transpose(0, 1);
    }

    private void CheckState(Tensor? s, string name, int n)
    {
        if (s is null) return;
        int[] expected = { NumLayers * Directions, n, Units };
        if (!s.Shape.ToArray().SequenceEqual(expected))
            throw new ArgumentException($"{GetType().Name}: {name} must have shape [{string.Join(", ", expected)}] (layers·directions, batch, units), got {s.Shape}.");
    }

    /// <summary>The output keeps the time axis (and so the mask) only with <see cref="ReturnSequences"/>.</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => ReturnSequences ? mask : null;

    public override string ToString() =>
        $"{GetType().Name}(input={InputSize?.ToString() ?? "?"}, units={Units}, layers={NumLayers}, bidirectional={Bidirectional}, returnSequences={ReturnSequences})";
}
