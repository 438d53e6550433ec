using Strata.NN;

namespace Strata.Training;

/// <summary>
/// A trainable network with the Keras workflow (<c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>).
/// Subclass it and override <see cref="Forward"/> (Keras subclassing, PyTorch style), use <see cref="Sequential"/>,
/// or build it from symbolic inputs and outputs (the functional API).
/// </summary>
public partial class Model : Module
{
    private Func<Tensor, Tensor>? _graphForward;

    /// <summary>For subclasses that override <see cref="Forward"/>.</summary>
    protected Model() { }

    /// <summary>Makes <see cref="Forward"/> run <paramref name="forward"/> (a layer graph whose layers are registered as sub-modules).</summary>
    protected void SetGraph(Func<Tensor, Tensor> forward) => _graphForward = forward;

    public override Tensor Forward(Tensor x) =>
        _graphForward is not null
            ? _graphForward(x)
            : throw new InvalidOperationException($"{GetType().Name}: override Forward, or build the model from inputs and outputs.");
}
