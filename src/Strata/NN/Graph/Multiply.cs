namespace Strata.NN;

/// <summary>Elementwise product of two or more tensors of the same shape (Keras <c>Multiply</c>).</summary>
public sealed class Multiply : MergeLayer
{
    protected override void CheckShapes(IReadOnlyList<Shape> shapes) => CheckElementwiseShapes(shapes);

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++) y = y.Mul(inputs[i]);
        return y;
    }
}
