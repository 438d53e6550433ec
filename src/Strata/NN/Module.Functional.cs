using Strata.Autograd;

namespace Strata.NN;

// The functional (Keras graph) side of Module: calling a layer on symbolic tensors records a graph node.
public abstract partial class Module
{
    /// <summary>
    /// The layer's name in a graph <see cref="Training.Model"/> (Keras <c>name=</c>); when null the model picks a
    /// Keras-style name from the type ("conv2d", "conv2d_1", ...). Set it before building the model.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// Records this layer applied to <paramref name="input"/> in a layer graph (Keras functional API) and returns
    /// the symbolic output. The layer is run under no-grad and in eval mode on a zero batch of one sample: this
    /// builds lazy layers now and gives the output shape (so shape errors appear while the graph is written). Dims
    /// declared unknown (−1, e.g. a sequence length) are probed with two stand-in sizes when the last (feature) dim
    /// is known or the input holds integer ids; otherwise the layer waits for the first real call to build.
    /// </summary>
    public SymbolicTensor Call(SymbolicTensor input) => Call(new[] { input });

    /// <summary>
    /// Records this layer applied to several symbolic inputs; only layers implementing <see cref="IMultiInput"/>
    /// (merge layers such as <see cref="Add"/> and <see cref="Concatenate"/>) take more than one.
    /// </summary>
    public SymbolicTensor Call(params SymbolicTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException($"{GetType().Name}: needs at least one symbolic input.");
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"{GetType().Name}: symbolic input {i} is null.");
        if (this is IMultiInput multi) multi.CheckInputCount(inputs.Length);
        else if (inputs.Length != 1)
            throw new ArgumentException($"{GetType().Name}: takes one input, got {inputs.Length}; combine tensors with a merge layer (Layers.Add, Layers.Concatenate, ...) first.");

        if (inputs.All(s => s.Shape is not null))
        {
            var (shape, dtype) = ProbeOutput(inputs.Select(s => (s.Shape!.Value, s.DType)).ToArray());
            return new SymbolicTensor(this, inputs, shape, dtype);
        }
        if (inputs.Any(s => s.PartialShape is null) || !inputs.All(IsProbeable)) return new SymbolicTensor(this, inputs, null, inputs[0].DType);
        return CallPartial(inputs);
    }

    /// <summary>
    /// Whether stand-in sizes may be used for the unknown dims of an input: its last dim, which layers size their
    /// weights from (Dense, LayerNorm, recurrent input size), must be known, unless it holds integer ids (an
    /// Embedding's [length] input). Otherwise the layer builds on the first real call (e.g. Dense after flattening
    /// an image of unknown width).
    /// </summary>
    private static bool IsProbeable(SymbolicTensor s) =>
        s.PartialShape is { Length: > 0 } dims && (dims[^1] >= 0 || !s.DType.IsFloating());

    // Sizes that stand in for unknown dims (a sequence length, say) when probing; two different ones show which
    // output dims follow the unknown ones.
    private const int ProbeSizeA = 32, ProbeSizeB = 33;

    /// <summary>
    /// Some input dims are unknown: probe with two stand-in sizes for them. The first probe builds the layer (so a
    /// graph's layers all have their weights once it is written, as in Keras, and an optimizer made next sees them);
    /// output dims that differ between the probes are unknown. A layer whose weights would depend on an unknown dim
    /// (Dense after flattening a variable-length sequence) fails the second probe, and that is reported here.
    /// </summary>
    private SymbolicTensor CallPartial(SymbolicTensor[] inputs)
    {
        (Shape, DType)[] Samples(int standIn) =>
            inputs.Select(s => (new Shape(s.PartialShape!.Select(d => d < 0 ? standIn : d).ToArray()), s.DType)).ToArray();
        var (a, dtype) = ProbeOutput(Samples(ProbeSizeA));
        Shape b;
        try { b = ProbeOutput(Samples(ProbeSizeB)).Shape; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException(
                $"{GetType().Name}: cannot be used on input of shape {string.Join(", ", inputs.Select(s => s.ShapeText))} while those '?' dims are unknown: " +
                $"its weights or output would depend on them. Give the sizes in Input.Create, or reduce the unknown dims first (e.g. global pooling over the steps). ({e.Message})", e);
        }
        if (a.Rank != b.Rank) return new SymbolicTensor(this, inputs, null, dtype);
        var partial = a.ToArray().Zip(b.ToArray(), (x, y) => x == y ? x : -1).ToArray();
        return partial.All(d => d >= 0)
            ? new SymbolicTensor(this, inputs, new Shape(partial), dtype)
            : new SymbolicTensor(this, inputs, null, dtype, partial);
    }

    /// <summary>
    /// Runs the layer on zero batches of one sample (no-grad, eval mode, modes restored afterwards) and returns the
    /// per-sample output shape and dtype. Building lazy layers is the point; the output values are discarded.
    /// </summary>
    internal (Shape Shape, DType DType) ProbeOutput(IReadOnlyList<(Shape Shape, DType DType)> samples)
    {
        var modes = new List<(Module Module, bool Training)>();
        CollectModes(this, modes, new HashSet<Module>(ReferenceEqualityComparer.Instance));
        try
        {
            foreach (var (m, _) in modes) m.IsTraining = false;
            using var scope = Tensor.Scope();
            using var noGrad = GradMode.NoGrad();
            var xs = samples.Select(s => Tensor.Zeros(new[] { 1 }.Concat(s.Shape).ToArray(), s.DType)).ToArray();
            var y = this is IMultiInput multi ? multi.Invoke(xs) : Invoke(xs[0]);
            if (y.Rank == 0 || y.Shape[0] != 1)
                throw new InvalidOperationException($"{GetType().Name}: must keep the batch dim first, but a batch of 1 sample gave output shape {y.Shape}.");
            return (new Shape(y.Shape.ToArray()[1..]), y.DType);
        }
        finally
        {
            foreach (var (m, training) in modes) m.IsTraining = training;
        }
    }

    private static void CollectModes(Module m, List<(Module, bool)> into, HashSet<Module> seen)
    {
        if (!seen.Add(m)) return;
        into.Add((m, m.IsTraining));
        foreach (var c in m.Children()) CollectModes(c, into, seen);
    }
}
