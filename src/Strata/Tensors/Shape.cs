using System.Collections;

namespace Strata;

/// <summary>
/// The sizes of a tensor's dimensions. Immutable; wraps an array that is never exposed so a shape can be
/// handed out without copying.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dims;

    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d < 0) throw new ArgumentException($"Shape: dimension sizes must be non-negative, got [{string.Join(", ", dims)}].");
        _dims = (int[])dims.Clone();
    }

    internal Shape(int[] dims, bool noCopy) => _dims = dims;

    internal int[] Dims => _dims ?? Array.Empty<int>();

    public int Rank => Dims.Length;
    public int Count => Dims.Length;

    public int this[int dim] => Dims[Normalize(dim)];

    /// <summary>Number of elements (1 for a scalar).</summary>
    public long Numel
    {
        get
        {
            long n = 1;
            foreach (var d in Dims) n *= d;
            return n;
        }
    }

    public int Normalize(int dim)
    {
        int r = Rank;
        int d = dim < 0 ? dim + r : dim;
        if (d < 0 || d >= r) throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension {dim} is out of range for a tensor of rank {r} (shape {this}).");
        return d;
    }

    public int[] ToArray() => (int[])Dims.Clone();

    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", Dims) + "]";

    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>Broadcasts two shapes as NumPy and PyTorch do; throws naming <paramref name="op"/> when they are incompatible.</summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int r = Math.Max(a.Length, b.Length);
        var result = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            int db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}] cannot be broadcast together (dimension {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    internal static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    internal static int CheckedNumel(string op, ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"{op}: negative dimension in shape [{string.Join(", ", shape.ToArray())}].");
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"{op}: shape [{string.Join(", ", shape.ToArray())}] has more than {int.MaxValue} elements, which Strata does not support.");
        }
        return (int)n;
    }
}
