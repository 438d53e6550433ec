namespace Strata.NN;

/// <summary>
/// Joins two or more tensors along <see cref="Axis"/> (Keras <c>Concatenate</c>, <c>torch.cat</c>). The axis counts
/// the batch dim as 0, as in Keras, and defaults to the last; for [N, C, H, W] feature maps use axis 1 (channels).
/// Joining along the batch dim is refused: in a layer graph every tensor has the same batch.
/// </summary>
public sealed class Concatenate : MergeLayer
{
    /// <summary>A layer joining its inputs along <paramref name="axis"/> (batch dim = 0, negative counts from the end).</summary>
    public Concatenate(int axis = -1)
    {
        if (axis == 0) throw new ArgumentException("Concatenate: axis 0 is the batch dim; choose a per-sample axis (1 or more, or negative from the end).");
        Axis = axis;
    }

    /// <summary>The joined dim, the batch dim counting as 0; negative values count from the last dim.</summary>
    public int Axis { get; }

    protected override void CheckShapes(IReadOnlyList<Shape> shapes)
    {
        var first = shapes[0];
        int axis = Axis < 0 ? Axis + first.Rank : Axis;
        if (axis < 1 || axis >= first.Rank)
            throw new ArgumentException($"Concatenate: axis {Axis} is not a per-sample dim of inputs of shapes {Describe(shapes)} (the batch dim 0 cannot be joined).");
        foreach (var s in shapes)
        {
            bool ok = s.Rank == first.Rank;
            for (int d = 0; ok && d < s.Rank; d++) ok = d == axis || s[d] == first[d];
            if (!ok)
                throw new ArgumentException($"Concatenate(axis={Axis}): input shapes must match except along axis {axis}, got {Describe(shapes)}; {first} and {s} differ.");
        }
    }

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        int axis = Axis < 0 ? Axis + inputs[0].Rank : Axis;
        return Tensor.Concat(inputs.ToArray(), axis);
    }
}
