namespace Strata.NN;

/// <summary>
/// A placeholder in a layer graph (Keras <c>KerasTensor</c>): it holds no data, only where it comes from (an
/// <see cref="Input"/>, or a layer applied to other symbolic tensors) and, when known, its per-sample shape.
/// Created by <see cref="Input.Create(int[])"/> and <see cref="Module.Call(SymbolicTensor)"/>; turned into a
/// runnable network by the <see cref="Training.Model(SymbolicTensor, SymbolicTensor)"/> constructor.
/// </summary>
public sealed class SymbolicTensor
{
    internal SymbolicTensor(Module layer, SymbolicTensor[] inputs, Shape? shape, DType dtype, int[]? partialShape = null)
    {
        Layer = layer;
        Inputs = (SymbolicTensor[])inputs.Clone();
        Shape = shape;
        DType = dtype;
        _partialShape = shape is Shape known ? known.ToArray() : partialShape is null ? null : (int[])partialShape.Clone();
    }

    private readonly int[]? _partialShape;

    internal SymbolicTensor(int[] declaredShape, DType dtype, string? name)
    {
        DeclaredShape = (int[])declaredShape.Clone();
        Shape = declaredShape.All(d => d >= 0) ? new Shape(declaredShape) : (Shape?)null;
        DType = dtype;
        InputName = name;
        Inputs = Array.Empty<SymbolicTensor>();
    }

    /// <summary>Shape of one sample (the batch dim is implicit and not included); null when some dim is unknown.</summary>
    public Shape? Shape { get; }

    /// <summary>Element type of the tensor this placeholder stands for.</summary>
    public DType DType { get; }

    /// <summary>The layer that produces this tensor; null for a graph input.</summary>
    public Module? Layer { get; }

    /// <summary>The symbolic tensors <see cref="Layer"/> was called on (empty for a graph input).</summary>
    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    /// <summary>True for a tensor made by <see cref="Input.Create(int[])"/>.</summary>
    public bool IsInput => Layer is null;

    /// <summary>The name given to <see cref="Input.Create(int[], DType, string?)"/>, if any.</summary>
    public string? InputName { get; }

    /// <summary>An input's per-sample shape as declared, −1 marking a dim of unknown size.</summary>
    internal int[]? DeclaredShape { get; }

    /// <summary>The per-sample shape with −1 for dims of unknown size (such as a sequence length); null when even the rank is unknown.</summary>
    internal int[]? PartialShape => DeclaredShape ?? _partialShape;

    internal string ShapeText => Shape?.ToString() ?? (PartialShape is null ? "[unknown]" : "[" + string.Join(", ", PartialShape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]");

    public override string ToString() =>
        IsInput ? $"SymbolicTensor(Input{(InputName is null ? "" : $" '{InputName}'")}, shape={ShapeText}, dtype={DType})"
                : $"SymbolicTensor({Layer!.GetType().Name}, shape={ShapeText}, dtype={DType})";
}
