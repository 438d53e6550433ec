namespace Strata.NN;

/// <summary>a − b for exactly two tensors of the same shape (Keras <c>Subtract</c>).</summary>
public sealed class Subtract : MergeLayer
{
    /// <summary>A layer computing inputs[0] − inputs[1].</summary>
    public Subtract() : base(2, 2) { }

    protected override void CheckShapes(IReadOnlyList<Shape> shapes) => CheckElementwiseShapes(shapes);

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => inputs[0].Sub(inputs[1]);
}
