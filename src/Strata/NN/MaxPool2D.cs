namespace Strata.NN;

/// <summary>2-d max pooling over [N, C, H, W]; stride defaults to the pool size (Keras/PyTorch).</summary>
public sealed class MaxPool2D : Module
{
    public MaxPool2D(IntPair poolSize, IntPair? stride = null, IntPair padding = default)
    {
        PoolSize = poolSize; Stride = stride ?? poolSize; Padding = padding;
    }

    public IntPair PoolSize { get; }
    public IntPair Stride { get; }
    public IntPair Padding { get; }

    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank != 4) throw new ArgumentException($"MaxPool2D: expects input [N, C, H, W], got shape {x.Shape}.");
        return Functional.MaxPool2d(x, PoolSize, Stride, Padding);
    }
}
