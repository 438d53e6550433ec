namespace Strata.NN;

/// <summary>Elementwise sum of two or more tensors of the same shape (Keras <c>Add</c>).</summary>
public sealed class Add : MergeLayer
{
    protected override void CheckShapes(IReadOnlyList<Shape> shapes) => CheckElementwiseShapes(shapes);

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++) y = y.Add(inputs[i]);
        return y;
    }
}
