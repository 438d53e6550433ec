namespace Strata.NN;

/// <summary>
/// A layer that takes several input tensors (merge layers: <see cref="Add"/>, <see cref="Concatenate"/>, ...).
/// Layer graphs call <see cref="Invoke(IReadOnlyList{Tensor})"/> instead of <see cref="Module.Invoke(Tensor)"/> for such layers.
/// </summary>
public interface IMultiInput
{
    /// <summary>Runs the layer on its inputs (in the order they were given to the symbolic call).</summary>
    Tensor Invoke(IReadOnlyList<Tensor> inputs);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the layer when it cannot take <paramref name="count"/> inputs.</summary>
    void CheckInputCount(int count);
}
