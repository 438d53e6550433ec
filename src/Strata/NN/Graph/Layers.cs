namespace Strata.NN;

/// <summary>Functional shortcuts for merge layers (Keras <c>layers.add</c>, <c>layers.concatenate</c>, ...): each makes a new layer and calls it.</summary>
public static class Layers
{
    /// <summary>Elementwise sum (a new <see cref="NN.Add"/> layer).</summary>
    public static SymbolicTensor Add(params SymbolicTensor[] inputs) => new Add().Call(inputs);

    /// <summary>a − b (a new <see cref="NN.Subtract"/> layer).</summary>
    public static SymbolicTensor Subtract(SymbolicTensor a, SymbolicTensor b) => new Subtract().Call(a, b);

    /// <summary>Elementwise product (a new <see cref="NN.Multiply"/> layer).</summary>
    public static SymbolicTensor Multiply(params SymbolicTensor[] inputs) => new Multiply().Call(inputs);

    /// <summary>Joins along <paramref name="axis"/>, the batch dim counting as 0 (a new <see cref="NN.Concatenate"/> layer).</summary>
    public static SymbolicTensor Concatenate(IReadOnlyList<SymbolicTensor> inputs, int axis = -1) => new Concatenate(axis).Call(inputs.ToArray());

    /// <summary>Joins two tensors along <paramref name="axis"/>, the batch dim counting as 0.</summary>
    public static SymbolicTensor Concatenate(SymbolicTensor a, SymbolicTensor b, int axis = -1) => new Concatenate(axis).Call(a, b);
}
