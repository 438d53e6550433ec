namespace Strata.NN;

/// <summary>Applies a layer to every time step of [N, T, ...] independently (Keras <c>TimeDistributed</c>), by folding time into the batch.</summary>
public sealed class TimeDistributed : Module
{
    public TimeDistributed(Module layer)
    {
        Layer = RegisterModule("layer", layer ?? throw new ArgumentNullException(nameof(layer)));
    }

    public Module Layer { get; }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank < 3) throw new ArgumentException($"TimeDistributed({Layer.GetType().Name}): expects [N, T, ...], got {x.Shape}.");
        int n = x.Shape[0], t = x.Shape[1];
        var folded = x.Reshape(new[] { n * t }.Concat(x.Shape.ToArray()[2..]).ToArray());
        var y = Layer.Invoke(folded);
        return y.Reshape(new[] { n, t }.Concat(y.Shape.ToArray()[1..]).ToArray());
    }
}
