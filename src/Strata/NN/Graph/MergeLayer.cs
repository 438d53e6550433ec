namespace Strata.NN;

/// <summary>
/// Base of layers that combine several tensors of the same rank into one (Keras merge layers). The batch dim is
/// dim 0 of every input. Merge layers have no parameters; they are built on their first call.
/// </summary>
public abstract class MergeLayer : Module, IMultiInput
{
    private readonly int _minInputs;
    private readonly int _maxInputs;

    /// <summary>A merge layer taking between <paramref name="minInputs"/> and <paramref name="maxInputs"/> inputs.</summary>
    protected MergeLayer(int minInputs = 2, int maxInputs = int.MaxValue)
    {
        _minInputs = minInputs;
        _maxInputs = maxInputs;
    }

    /// <summary>Combines the inputs (checked for count and shape first).</summary>
    public Tensor Invoke(params Tensor[] inputs) => Invoke((IReadOnlyList<Tensor>)inputs);

    /// <summary>Same as <see cref="Invoke(Tensor[])"/>.</summary>
    public Tensor Call(params Tensor[] inputs) => Invoke((IReadOnlyList<Tensor>)inputs);

    /// <inheritdoc />
    public Tensor Invoke(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckInputCount(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"{GetType().Name}: input {i} is null.");
        CheckShapes(inputs.Select(t => t.Shape).ToArray());
        MarkBuilt();
        return Merge(inputs);
    }

    /// <inheritdoc />
    public void CheckInputCount(int count)
    {
        if (count < _minInputs || count > _maxInputs)
        {
            string expected = _minInputs == _maxInputs ? $"exactly {_minInputs}" : $"at least {_minInputs}";
            throw new ArgumentException($"{GetType().Name}: a merge layer takes {expected} inputs, got {count}.");
        }
    }

    /// <summary>A merge layer needs several inputs, so the one-tensor forward is refused with a pointer to the right call.</summary>
    public sealed override Tensor Forward(Tensor x) =>
        throw new InvalidOperationException($"{GetType().Name}: a merge layer combines several tensors; call Invoke(a, b, ...) or use it in a layer graph, got a single tensor of shape {x.Shape}.");

    /// <summary>Throws an <see cref="ArgumentException"/> naming all shapes when the inputs cannot be merged.</summary>
    protected abstract void CheckShapes(IReadOnlyList<Shape> shapes);

    /// <summary>The computation on inputs that passed <see cref="CheckShapes"/>.</summary>
    protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    /// <summary>The shapes as "[2, 3], [2, 4]" for error messages.</summary>
    protected static string Describe(IReadOnlyList<Shape> shapes) => string.Join(", ", shapes);

    /// <summary>
    /// Keras elementwise-merge rule: equal ranks, and each dim equal across inputs or 1 (broadcast).
    /// </summary>
    protected void CheckElementwiseShapes(IReadOnlyList<Shape> shapes)
    {
        var first = shapes[0];
        foreach (var s in shapes)
        {
            bool ok = s.Rank == first.Rank;
            for (int d = 0; ok && d < s.Rank; d++) ok = s[d] == first[d] || s[d] == 1 || first[d] == 1;
            if (!ok)
                throw new ArgumentException($"{GetType().Name}: input shapes must match (or be 1 where they differ), got {Describe(shapes)}; {first} and {s} are incompatible.");
        }
    }
}
