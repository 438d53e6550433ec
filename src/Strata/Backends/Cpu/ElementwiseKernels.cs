using System.Numerics;
using System.Numerics.Tensors;

namespace Strata.Backends.Cpu;

/// <summary>Unary row kernel for floating dtypes: contiguous rows go through TensorPrimitives, the rest through the scalar definitions.</summary>
internal unsafe struct FloatUnaryRow<T> : IRowKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public UnaryOp Op;
    public T Alpha, Beta;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* y = (T*)p0;
        T* x = (T*)p1;
        if (s0 == 1 && s1 == 1 && Vectorised(n, x, y)) return;
        for (int i = 0; i < n; i++) y[(long)i * s0] = Apply(x[(long)i * s1]);
    }

    private bool Vectorised(int n, T* x, T* y)
    {
        var xs = new ReadOnlySpan<T>(x, n);
        var ys = new Span<T>(y, n);
        switch (Op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(xs, ys); return true;
            case UnaryOp.Exp: TensorPrimitives.Exp(xs, ys); return true;
            case UnaryOp.Log: TensorPrimitives.Log(xs, ys); return true;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(xs, ys); return true;
            case UnaryOp.Abs: TensorPrimitives.Abs(xs, ys); return true;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(xs, ys); return true;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(xs, ys); return true;
            case UnaryOp.Square: TensorPrimitives.Multiply(xs, xs, ys); return true;
            case UnaryOp.Reciprocal: TensorPrimitives.Reciprocal(xs, ys); return true;
            case UnaryOp.Relu: TensorPrimitives.Max(xs, T.Zero, ys); return true;
            case UnaryOp.Affine: TensorPrimitives.Multiply(xs, Alpha, ys); TensorPrimitives.Add(ys, Beta, ys); return true;
            default: return false;
        }
    }

    private T Apply(T x) => Op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Exp => T.Exp(x),
        UnaryOp.Log => T.Log(x),
        UnaryOp.Sqrt => T.Sqrt(x),
        UnaryOp.Rsqrt => T.One / T.Sqrt(x),
        UnaryOp.Abs => T.Abs(x),
        UnaryOp.Sign => T.IsNaN(x) ? x : T.CreateTruncating(T.Sign(x)),
        UnaryOp.Square => x * x,
        UnaryOp.Reciprocal => T.One / x,
        UnaryOp.Relu => x > T.Zero ? x : T.Zero,
        UnaryOp.Sigmoid => ScalarMath.Sigmoid(x),
        UnaryOp.Tanh => T.Tanh(x),
        UnaryOp.Gelu => ScalarMath.Gelu(x),
        UnaryOp.Softplus => ScalarMath.Softplus(x),
        UnaryOp.Elu => x > T.Zero ? x : Alpha * (T.Exp(x) - T.One),
        UnaryOp.LeakyRelu => x > T.Zero ? x : Alpha * x,
        UnaryOp.Clamp => T.IsNaN(x) ? x : T.Min(T.Max(x, Alpha), Beta),
        UnaryOp.PowScalar => T.Pow(x, Alpha),
        UnaryOp.Affine => Alpha * x + Beta,
        _ => throw new NotSupportedException($"Unary op {Op} has no floating-point kernel."),
    };
}

/// <summary>Unary row kernel for bool results (IsNonFinite, Not) from any input dtype.</summary>
internal unsafe struct PredicateRow<T> : IRowKernel where T : unmanaged, INumberBase<T>
{
    public UnaryOp Op;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* x = (T*)p1;
        for (int i = 0; i < n; i++)
        {
            T v = x[(long)i * s1];
            bool r = Op == UnaryOp.IsNonFinite ? !T.IsFinite(v) : T.IsZero(v);
            p0[(long)i * s0] = r ? (byte)1 : (byte)0;
        }
    }
}

/// <summary>Unary row kernel for integer dtypes.</summary>
internal unsafe struct IntUnaryRow<T> : IRowKernel where T : unmanaged, IBinaryInteger<T>, ISignedNumber<T>
{
    public UnaryOp Op;
    public T Alpha, Beta;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* y = (T*)p0;
        T* x = (T*)p1;
        for (int i = 0; i < n; i++)
        {
            T v = x[(long)i * s1];
            y[(long)i * s0] = Op switch
            {
                UnaryOp.Neg => -v,
                UnaryOp.Abs => T.Abs(v),
                UnaryOp.Sign => T.CreateTruncating(T.Sign(v)),
                UnaryOp.Square => v * v,
                UnaryOp.Relu => v > T.Zero ? v : T.Zero,
                UnaryOp.Clamp => T.Min(T.Max(v, Alpha), Beta),
                UnaryOp.Affine => Alpha * v + Beta,
                _ => throw new NotSupportedException($"Unary op {Op} has no integer kernel."),
            };
        }
    }
}

/// <summary>Binary row kernel for floating dtypes, including the fused activation-gradient ops.</summary>
internal unsafe struct FloatBinaryRow<T> : IRowKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public BinaryOp Op;
    public T Alpha, Beta;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* y = (T*)p0;
        T* a = (T*)p1;
        T* b = (T*)p2;
        if (s0 == 1 && Vectorised(n, a, s1, b, s2, y)) return;
        for (int i = 0; i < n; i++) y[(long)i * s0] = Apply(a[(long)i * s1], b[(long)i * s2]);
    }

    // y = b > 0 ? a : 0 with selects: the scalar branch mispredicts on about half of a ReLU layer's inputs.
    private static void ReluGrad(int n, T* a, T* b, T* y)
    {
        int vl = Vector<T>.Count, i = 0;
        for (; i <= n - vl; i += vl)
            Vector.ConditionalSelect(Vector.GreaterThan(Vector.Load(b + i), Vector<T>.Zero), Vector.Load(a + i), Vector<T>.Zero).Store(y + i);
        for (; i < n; i++) y[i] = b[i] > T.Zero ? a[i] : T.Zero;
    }

    private bool Vectorised(int n, T* a, int sa, T* b, int sb, T* y)
    {
        var ys = new Span<T>(y, n);
        if (sa == 1 && sb == 1)
        {
            var As = new ReadOnlySpan<T>(a, n);
            var Bs = new ReadOnlySpan<T>(b, n);
            switch (Op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(As, Bs, ys); return true;
                case BinaryOp.Sub: TensorPrimitives.Subtract(As, Bs, ys); return true;
                case BinaryOp.Mul: TensorPrimitives.Multiply(As, Bs, ys); return true;
                case BinaryOp.Div: TensorPrimitives.Divide(As, Bs, ys); return true;
                case BinaryOp.Maximum: TensorPrimitives.Max(As, Bs, ys); return true;
                case BinaryOp.Minimum: TensorPrimitives.Min(As, Bs, ys); return true;
                case BinaryOp.ReluGrad: ReluGrad(n, a, b, y); return true;
                default: return false;
            }
        }
        if (sa == 1 && sb == 0)
        {
            var As = new ReadOnlySpan<T>(a, n);
            T bv = *b;
            switch (Op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(As, bv, ys); return true;
                case BinaryOp.Sub: TensorPrimitives.Subtract(As, bv, ys); return true;
                case BinaryOp.Mul: TensorPrimitives.Multiply(As, bv, ys); return true;
                case BinaryOp.Div: TensorPrimitives.Divide(As, bv, ys); return true;
                case BinaryOp.Maximum: TensorPrimitives.Max(As, bv, ys); return true;
                case BinaryOp.Minimum: TensorPrimitives.Min(As, bv, ys); return true;
                default: return false;
            }
        }
        if (sa == 0 && sb == 1)
        {
            var Bs = new ReadOnlySpan<T>(b, n);
            T av = *a;
            switch (Op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(Bs, av, ys); return true;
                case BinaryOp.Sub: TensorPrimitives.Subtract(av, Bs, ys); return true;
                case BinaryOp.Mul: TensorPrimitives.Multiply(Bs, av, ys); return true;
                case BinaryOp.Div: TensorPrimitives.Divide(av, Bs, ys); return true;
                default: return false;
            }
        }
        return false;
    }

    private T Apply(T a, T b)
    {
        switch (Op)
        {
            case BinaryOp.Add: return a + b;
            case BinaryOp.Sub: return a - b;
            case BinaryOp.Mul: return a * b;
            case BinaryOp.Div: return a / b;
            case BinaryOp.Pow: return T.Pow(a, b);
            case BinaryOp.Maximum: return T.IsNaN(a) || T.IsNaN(b) ? T.NaN : T.Max(a, b);
            case BinaryOp.Minimum: return T.IsNaN(a) || T.IsNaN(b) ? T.NaN : T.Min(a, b);
            case BinaryOp.ReluGrad: return b > T.Zero ? a : T.Zero;
            case BinaryOp.SigmoidGrad: return a * b * (T.One - b);
            case BinaryOp.TanhGrad: return a * (T.One - b * b);
            case BinaryOp.GeluGrad: return a * ScalarMath.GeluGrad(b);
            case BinaryOp.SoftplusGrad: return a * ScalarMath.Sigmoid(b);
            case BinaryOp.EluGrad: return b > T.Zero ? a : a * Alpha * T.Exp(b);
            case BinaryOp.LeakyReluGrad: return b > T.Zero ? a : a * Alpha;
            case BinaryOp.ClampGrad: return b >= Alpha && b <= Beta ? a : T.Zero;
            default: throw new NotSupportedException($"Binary op {Op} has no floating-point kernel.");
        }
    }
}

/// <summary>Binary row kernel for integer dtypes (arithmetic only).</summary>
internal unsafe struct IntBinaryRow<T> : IRowKernel where T : unmanaged, IBinaryInteger<T>
{
    public BinaryOp Op;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* y = (T*)p0;
        T* a = (T*)p1;
        T* b = (T*)p2;
        for (int i = 0; i < n; i++)
        {
            T av = a[(long)i * s1], bv = b[(long)i * s2];
            y[(long)i * s0] = Op switch
            {
                BinaryOp.Add => av + bv,
                BinaryOp.Sub => av - bv,
                BinaryOp.Mul => av * bv,
                BinaryOp.Div => bv == T.Zero ? throw new DivideByZeroException("div: integer division by zero.") : av / bv,
                BinaryOp.Maximum => T.Max(av, bv),
                BinaryOp.Minimum => T.Min(av, bv),
                _ => throw new NotSupportedException($"Binary op {Op} has no integer kernel."),
            };
        }
    }
}

/// <summary>Comparison and logical row kernel: any input dtype, bool (byte) output.</summary>
internal unsafe struct CompareRow<T> : IRowKernel where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
{
    public BinaryOp Op;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* a = (T*)p1;
        T* b = (T*)p2;
        for (int i = 0; i < n; i++)
        {
            T av = a[(long)i * s1], bv = b[(long)i * s2];
            bool r = Op switch
            {
                BinaryOp.Eq => av == bv,
                BinaryOp.Ne => av != bv,
                BinaryOp.Lt => av < bv,
                BinaryOp.Le => av <= bv,
                BinaryOp.Gt => av > bv,
                BinaryOp.Ge => av >= bv,
                BinaryOp.And => !T.IsZero(av) && !T.IsZero(bv),
                BinaryOp.Or => !T.IsZero(av) || !T.IsZero(bv),
                _ => throw new NotSupportedException($"Binary op {Op} is not a comparison."),
            };
            p0[(long)i * s0] = r ? (byte)1 : (byte)0;
        }
    }
}

/// <summary>y = cond ? a : b.</summary>
internal unsafe struct WhereRow<T> : IRowKernel where T : unmanaged
{
    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* y = (T*)p0;
        T* a = (T*)p2;
        T* b = (T*)p3;
        for (int i = 0; i < n; i++)
            y[(long)i * s0] = p1[(long)i * s1] != 0 ? a[(long)i * s2] : b[(long)i * s3];
    }
}

/// <summary>Strided copy with dtype conversion (truncating to integers, non-zero to true for bool).</summary>
internal unsafe struct CastRow<TS, TD> : IRowKernel where TS : unmanaged, INumberBase<TS> where TD : unmanaged, INumberBase<TD>
{
    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        TD* y = (TD*)p0;
        TS* x = (TS*)p1;
        if (typeof(TS) == typeof(TD))
        {
            if (s0 == 1 && s1 == 1)
            {
                Buffer.MemoryCopy(x, y, (long)n * sizeof(TD), (long)n * sizeof(TD));
                return;
            }
            for (int i = 0; i < n; i++) y[(long)i * s0] = *(TD*)&x[(long)i * s1];
            return;
        }
        for (int i = 0; i < n; i++) y[(long)i * s0] = TD.CreateTruncating(x[(long)i * s1]);
    }
}

/// <summary>Copy into bool: non-zero becomes 1.</summary>
internal unsafe struct ToBoolRow<TS> : IRowKernel where TS : unmanaged, INumberBase<TS>
{
    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        TS* x = (TS*)p1;
        for (int i = 0; i < n; i++) p0[(long)i * s0] = TS.IsZero(x[(long)i * s1]) ? (byte)0 : (byte)1;
    }
}

/// <summary>Fills with a constant.</summary>
internal unsafe struct FillRow<T> : IRowKernel where T : unmanaged
{
    public T Value;

    public void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3)
    {
        T* y = (T*)p0;
        if (s0 == 1) { new Span<T>(y, n).Fill(Value); return; }
        for (int i = 0; i < n; i++) y[(long)i * s0] = Value;
    }
}
