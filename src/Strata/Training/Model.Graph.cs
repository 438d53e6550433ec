using Strata.NN;

namespace Strata.Training;

// The functional API: a Model built from symbolic inputs and outputs (Keras `Model(inputs, outputs)`).
public partial class Model
{
    private LayerGraph? _layerGraph;
    private int[]? _builtSampleShape;

    /// <summary>
    /// A graph model with one input and one output (Keras <c>Model(inputs, outputs)</c>); run it with
    /// <see cref="Module.Invoke(Tensor)"/> like any layer. See <see cref="Model(SymbolicTensor[], SymbolicTensor[])"/>.
    /// </summary>
    public Model(SymbolicTensor input, SymbolicTensor output) : this(new[] { input }, new[] { output }) { }

    /// <summary>
    /// A graph model from the layer calls that lead from <paramref name="inputs"/> to <paramref name="outputs"/>.
    /// Each distinct layer is registered once as a sub-module under its <see cref="Module.Name"/> or a Keras-style
    /// name ("conv2d", "conv2d_1", "dense", ...), so a layer called twice shares its weights. Layers were already
    /// built when they were called on inputs of known shape (see <see cref="Module.Call(SymbolicTensor)"/>); the rest
    /// build on the first real call. Run a multi-input or multi-output model with <see cref="Call(IReadOnlyList{Tensor})"/>.
    /// </summary>
    public Model(SymbolicTensor[] inputs, SymbolicTensor[] outputs)
    {
        var graph = new LayerGraph(inputs, outputs);
        foreach (var layer in graph.Layers)
        {
            if (ReferenceEquals(layer, this)) throw new ArgumentException("Model: a model cannot contain itself.");
            RegisterModule(graph.LayerName(layer), layer);
        }
        _layerGraph = graph;
        if (graph.Inputs.Count == 1 && graph.Outputs.Count == 1)
            SetGraph((x, mask) =>
            {
                var y = graph.Run(new[] { x }, mask is null ? null : new[] { mask }, out var masks)[0];
                _graphOutputMask = masks[0];
                return y;
            });
        else
            SetGraph((x, _) => throw new InvalidOperationException(
                $"Model: this graph has {graph.Inputs.Count} input(s) and {graph.Outputs.Count} output(s); run it with Call(new[] {{ ... }}), which returns one tensor per output."));
        MarkBuilt();
    }

    /// <summary>The graph inputs (empty unless the model was built from symbolic tensors).</summary>
    public IReadOnlyList<SymbolicTensor> Inputs => _layerGraph?.Inputs ?? Array.Empty<SymbolicTensor>();

    /// <summary>The graph outputs (empty unless the model was built from symbolic tensors).</summary>
    public IReadOnlyList<SymbolicTensor> Outputs => _layerGraph?.Outputs ?? Array.Empty<SymbolicTensor>();

    /// <summary>
    /// Runs a graph model on one tensor per input (batch first, in the order of <see cref="Inputs"/>) and returns one
    /// tensor per output. Works for any number of inputs and outputs.
    /// </summary>
    public Tensor[] Call(IReadOnlyList<Tensor> inputs)
    {
        if (_layerGraph is null)
            throw new InvalidOperationException($"{GetType().Name}: Call(inputs[]) runs graph models built from Input.Create; use Invoke(x) for this model.");
        return _layerGraph.Run(inputs);
    }

    internal LayerGraph? LayerGraph => _layerGraph;

    private Tensor? _graphOutputMask;

    /// <summary>A single-output graph model's output mask from its most recent run; for other models, as <see cref="Module.ComputeMask"/>.</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => _layerGraph is null ? base.ComputeMask(input, mask) : _graphOutputMask;

    /// <summary>
    /// The per-sample input shape (no batch dim) the model is built for: the first input seen by a Sequential or
    /// subclassed model, or a functional model's single input; null when unknown.
    /// </summary>
    public int[]? InputSampleShape =>
        _builtSampleShape is int[] s ? (int[])s.Clone()
        : Inputs.Count == 1 && Inputs[0].Shape is Shape shape ? shape.ToArray()
        : null;

    /// <summary>Per-sample input shape seen by the first <see cref="Module.Invoke(Tensor)"/> (Sequential and subclassed models).</summary>
    internal int[]? BuiltSampleShape => _builtSampleShape;

    /// <summary>Remembers the per-sample input shape, which the architecture JSON records so a loaded model can be built at once.</summary>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank >= 1) _builtSampleShape = inputShape.ToArray()[1..];
    }
}
