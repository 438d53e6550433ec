using System.Runtime.InteropServices;
using Strata.Backends;

namespace Strata;

public sealed partial class Tensor
{
    public static Tensor Zeros(params int[] shape) => Full(shape, 0.0);
    public static Tensor Zeros(int[] shape, DType dtype, Device? device = null) => Full(shape, 0.0, dtype, device);
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0);
    public static Tensor Ones(int[] shape, DType dtype, Device? device = null) => Full(shape, 1.0, dtype, device);

    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var t = Empty("full", shape, dtype, device ?? Strata.Device.Cpu);
        t.Backend.Fill(t.Desc, value);
        return t;
    }

    public static Tensor ZerosLike(Tensor t) => Full(t._shape, 0.0, t.DType, t.Device);
    public static Tensor OnesLike(Tensor t) => Full(t._shape, 1.0, t.DType, t.Device);
    public static Tensor FullLike(Tensor t, double value) => Full(t._shape, value, t.DType, t.Device);

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) => Full(Array.Empty<int>(), value, dtype, device);

    /// <summary>Values start, start+step, … below end (as <c>torch.arange</c>).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0) throw new ArgumentException("arange: step must be non-zero.");
        long n = (long)Math.Ceiling((end - start) / step);
        if (n < 0) n = 0;
        if (n > int.MaxValue) throw new ArgumentException($"arange: {n} elements is too many.");
        var v = new double[n];
        for (long i = 0; i < n; i++) v[i] = start + i * step;
        return FromDoubles("arange", v, new[] { (int)n }, dtype);
    }

    public static Tensor Arange(int end, DType dtype = DType.Int64) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0) throw new ArgumentException("linspace: steps must be non-negative.");
        var v = new double[steps];
        for (int i = 0; i < steps; i++) v[i] = steps == 1 ? start : start + (end - start) * i / (steps - 1);
        return FromDoubles("linspace", v, new[] { steps }, dtype);
    }

    /// <summary>An n×m matrix with ones on the diagonal.</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var v = new double[(long)n * cols];
        for (int i = 0; i < Math.Min(n, cols); i++) v[(long)i * cols + i] = 1;
        return FromDoubles("eye", v, new[] { n, cols }, dtype);
    }

    private static Tensor FromDoubles(string op, double[] values, int[] shape, DType dtype)
    {
        using var tmp = FromSpan<double>(values, shape, op);
        var t = Empty(op, shape, dtype, Strata.Device.Cpu);
        t.Backend.Copy(tmp.Desc, t.Desc);
        return t;
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> in the given shape (default: 1-D).</summary>
    public static Tensor FromArray<T>(T[] data, params int[] shape) where T : unmanaged => FromSpan<T>(data, shape.Length == 0 ? new[] { data.Length } : shape, "from_array");

    public static Tensor FromArray(float[,] data) => FromSpan<float>(MemoryMarshal.CreateReadOnlySpan(ref data[0, 0], data.Length), new[] { data.GetLength(0), data.GetLength(1) }, "from_array");

    public static Tensor FromArray(double[,] data) => FromSpan<double>(MemoryMarshal.CreateReadOnlySpan(ref data[0, 0], data.Length), new[] { data.GetLength(0), data.GetLength(1) }, "from_array");

    /// <summary>A tensor holding a copy of <paramref name="data"/>, shaped as <paramref name="shape"/>.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, int[] shape, string op = "from_span") where T : unmanaged
    {
        var dtype = DTypeInfo.Of<T>();
        int n = Shape.CheckedNumel(op, shape);
        if (n != data.Length)
            throw new ArgumentException($"{op}: {data.Length} values cannot fill shape [{string.Join(", ", shape)}] ({n} elements).");
        var t = Empty(op, shape, dtype, Strata.Device.Cpu);
        if (typeof(T) == typeof(bool))
        {
            var bytes = MemoryMarshal.Cast<T, byte>(data);
            var tmp = new byte[n];
            for (int i = 0; i < n; i++) tmp[i] = bytes[i] != 0 ? (byte)1 : (byte)0;
            t.Backend.Upload<byte>(tmp, t.Desc);
        }
        else t.Backend.Upload(data, t.Desc);
        return t;
    }

    // Random creation: each call draws from a generator; same seed, same values, any thread count.

    public static Tensor Rand(int[] shape, Generator? generator = null, DType dtype = DType.Float32) => Uniform(shape, 0, 1, generator, dtype);

    public static Tensor Randn(int[] shape, Generator? generator = null, DType dtype = DType.Float32) => Normal(shape, 0, 1, generator, dtype);

    public static Tensor Uniform(int[] shape, double low, double high, Generator? generator = null, DType dtype = DType.Float32)
        => RandomFill("uniform", RandomKind.Uniform, shape, low, high, generator, dtype);

    public static Tensor Normal(int[] shape, double mean, double std, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (std < 0) throw new ArgumentException($"normal: std must be non-negative, got {std}.");
        return RandomFill("normal", RandomKind.Normal, shape, mean, std, generator, dtype);
    }

    /// <summary>1 with probability <paramref name="p"/>, else 0.</summary>
    public static Tensor Bernoulli(int[] shape, double p, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"bernoulli: probability must be in [0, 1], got {p}.");
        return RandomFill("bernoulli", RandomKind.Bernoulli, shape, p, 0, generator, dtype);
    }

    private static Tensor RandomFill(string op, RandomKind kind, int[] shape, double a, double b, Generator? generator, DType dtype)
    {
        if (!dtype.IsFloating() && !(kind == RandomKind.Bernoulli && dtype == DType.Bool))
            throw new ArgumentException($"{op}: dtype {dtype.Name()} is not supported; use float32 or float64.");
        var g = generator ?? Generator.Default;
        var t = Empty(op, shape, dtype, Strata.Device.Cpu);
        ulong counter = g.Advance(t.Numel);
        t.Backend.Random(kind, t.Desc, g.Seed, counter, a, b);
        return t;
    }

    /// <summary>Fills this tensor in place from a uniform distribution (for initialisers).</summary>
    public Tensor Uniform_(double low, double high, Generator? generator = null)
    {
        using var tmp = Uniform(_shape, low, high, generator, DType);
        return CopyFrom(tmp);
    }

    /// <summary>Fills this tensor in place from a normal distribution (for initialisers).</summary>
    public Tensor Normal_(double mean, double std, Generator? generator = null)
    {
        using var tmp = Normal(_shape, mean, std, generator, DType);
        return CopyFrom(tmp);
    }
}
