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
    /// the symbolic output. When the input's per-sample shape is fully known the layer is run once, under no-grad
    /// and in eval mode, on a zero batch of one sample: this builds lazy layers now and gives the output shape
    /// (so shape errors appear while the graph is written). Otherwise the layer builds on the first real call.
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

        if (inputs.Any(s => s.Shape is null)) return new SymbolicTensor(this, inputs, null, inputs[0].DType);
        var (shape, dtype) = ProbeOutput(inputs.Select(s => (s.Shape!.Value, s.DType)).ToArray());
        return new SymbolicTensor(this, inputs, shape, dtype);
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
