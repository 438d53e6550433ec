namespace Strata.Data.Transforms;

/// <summary>Applies transforms in order, each to the previous one's output (torchvision <c>Compose</c>).</summary>
public sealed class Compose : ITransform
{
    private readonly ITransform[] _transforms;
    // Intermediate results live in per-thread scratch so one Compose can serve loaders on several threads.
    private readonly ThreadLocal<float[][]> _scratch = new(() => new float[2][]);

    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
            if (transforms[i] is null) throw new ArgumentNullException(nameof(transforms), $"Compose: transform {i} is null.");
        _transforms = (ITransform[])transforms.Clone();
    }

    public IReadOnlyList<ITransform> Transforms => _transforms;

    public Shape OutputShape(Shape inputShape)
    {
        var s = inputShape;
        foreach (var t in _transforms) s = t.OutputShape(s);
        return s;
    }

    public void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random)
    {
        if (_transforms.Length == 0)
        {
            input.CopyTo(output);
            return;
        }
        var scratch = _scratch.Value!;
        ReadOnlySpan<float> current = input;
        var shape = inputShape;
        for (int i = 0; i < _transforms.Length; i++)
        {
            var next = _transforms[i].OutputShape(shape);
            Span<float> dst;
            if (i == _transforms.Length - 1) dst = output;
            else
            {
                int n = checked((int)next.Numel);
                ref var buf = ref scratch[i & 1];
                if (buf is null || buf.Length < n) buf = new float[n];
                dst = buf.AsSpan(0, n);
            }
            _transforms[i].Apply(current, shape, dst, random);
            current = dst;
            shape = next;
        }
    }

    public override string ToString() => "Compose(" + string.Join(", ", _transforms.Select(t => t.ToString())) + ")";
}
