namespace Strata.NN;

/// <summary>
/// Reshapes each sample to <see cref="TargetShape"/>, keeping the batch dim (Keras <c>Reshape</c>): [N, ...] → [N, ...targetShape].
/// One entry may be -1, inferred from the sample's size. A view when the layout allows, else a copy.
/// </summary>
public sealed class Reshape : Module
{
    private readonly int[] _targetShape;

    public Reshape(params int[] targetShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        _targetShape = (int[])targetShape.Clone();
        if (_targetShape.Count(d => d == -1) > 1 || _targetShape.Any(d => d == 0 || d < -1))
            throw new ArgumentException($"{Label}: the target shape must have positive dims and at most one -1.", nameof(targetShape));
    }

    /// <summary>The per-sample target shape as given (a copy).</summary>
    public int[] TargetShape => (int[])_targetShape.Clone();

    private string Label => $"Reshape([{string.Join(", ", _targetShape)}])";

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 1) throw new ArgumentException($"{Label}: expects an input with a batch dim, got a scalar.");
        int n = x.Size(0);
        long perSample = 1;
        for (int i = 1; i < x.Rank; i++) perSample *= x.Size(i);
        long known = 1;
        foreach (var d in _targetShape) if (d != -1) known *= d;
        var shape = new int[_targetShape.Length + 1];
        shape[0] = n;
        for (int i = 0; i < _targetShape.Length; i++)
        {
            shape[i + 1] = _targetShape[i];
            if (_targetShape[i] == -1)
            {
                if (perSample % known != 0)
                    throw new ArgumentException($"{Label}: a sample of {perSample} values (input shape {x.Shape}) does not divide into [{string.Join(", ", _targetShape)}].");
                shape[i + 1] = (int)(perSample / known);
            }
        }
        if (!_targetShape.Contains(-1) && known != perSample)
            throw new ArgumentException($"{Label}: a sample of {perSample} values (input shape {x.Shape}) cannot be reshaped to {known} values.");
        return x.Reshape(shape);
    }

    public override string ToString() => Label;
}
