using Strata.NN;

namespace Strata.Training;

/// <summary>
/// A trainable network with the Keras workflow (<c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>).
/// Subclass it and override <see cref="Forward(Tensor)"/> (Keras subclassing, PyTorch style), use <see cref="Sequential"/>,
/// or build it from symbolic inputs and outputs (the functional API).
/// </summary>
public partial class Model : Module
{
    private Func<Tensor, Tensor?, Tensor>? _graphForward;

    /// <summary>For subclasses that override <see cref="Forward(Tensor)"/>.</summary>
    protected Model() { }

    /// <summary>Makes <see cref="Forward(Tensor)"/> run a layer graph (whose layers are registered as sub-modules), given the input and its mask.</summary>
    private void SetGraph(Func<Tensor, Tensor?, Tensor> forward) => _graphForward = forward;

    public override Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary>A graph model runs its layers with Keras-style mask propagation; a subclass's <see cref="Forward(Tensor)"/> ignores the mask unless it overrides this.</summary>
    public override Tensor Forward(Tensor x, Tensor? mask) =>
        _graphForward is not null
            ? _graphForward(x, mask)
            : mask is null
                ? throw new InvalidOperationException($"{GetType().Name}: override Forward, or build the model from inputs and outputs.")
                : Forward(x);
}
