namespace Strata.NN;

/// <summary>Graph inputs for the functional API (Keras <c>keras.Input</c>).</summary>
public static class Input
{
    /// <summary>A float32 graph input; <paramref name="shape"/> is per sample (the batch dim is implicit), −1 for a dim of unknown size.</summary>
    public static SymbolicTensor Create(params int[] shape) => Create(shape, DType.Float32);

    /// <summary>A graph input of the given per-sample shape (−1 for unknown dims), dtype and optional name (unique in a model).</summary>
    public static SymbolicTensor Create(int[] shape, DType dtype, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var d in shape)
            if (d < -1 || d == 0)
                throw new ArgumentException($"Input.Create: per-sample dims must be positive or -1 (unknown), got [{string.Join(", ", shape)}].");
        if (name is not null && string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("Input.Create: the name must not be empty or blank.");
        return new SymbolicTensor(shape, dtype, name);
    }
}
