namespace Strata.Backends.Cpu;

/// <summary>The CPU backend: plain loops over aligned native buffers, SIMD and the library's thread pool.</summary>
public sealed unsafe partial class CpuBackend : IBackend
{
    public static readonly CpuBackend Instance = new();

    private static readonly TensorDesc None = default;

    private CpuBackend() { }

    public Device Device => Device.Cpu;

    public DeviceBuffer Allocate(DType dtype, int count) => CpuBufferPool.Rent((long)count * dtype.SizeOf());

    internal static T* Ptr<T>(in TensorDesc d) where T : unmanaged => (T*)HostMemory.PointerOf(d.Buffer) + d.Offset;

    private static void Run<TK>(in TensorDesc y, in TensorDesc a, TK k) where TK : struct, IRowKernel
        => StridedLoop.Run(y.Shape, y, a, None, None, 2, k);

    public void Fill(in TensorDesc y, double value)
    {
        switch (y.DType)
        {
            case DType.Float32: StridedLoop.Run(y.Shape, y, None, None, None, 1, new FillRow<float> { Value = (float)value }); break;
            case DType.Float64: StridedLoop.Run(y.Shape, y, None, None, None, 1, new FillRow<double> { Value = value }); break;
            case DType.Int32: StridedLoop.Run(y.Shape, y, None, None, None, 1, new FillRow<int> { Value = (int)value }); break;
            case DType.Int64: StridedLoop.Run(y.Shape, y, None, None, None, 1, new FillRow<long> { Value = (long)value }); break;
            case DType.Bool: StridedLoop.Run(y.Shape, y, None, None, None, 1, new FillRow<byte> { Value = value != 0 ? (byte)1 : (byte)0 }); break;
        }
    }

    public void Copy(in TensorDesc src, in TensorDesc dst)
    {
        switch (src.DType)
        {
            case DType.Float32: CopyFrom<float>(src, dst); break;
            case DType.Float64: CopyFrom<double>(src, dst); break;
            case DType.Int32: CopyFrom<int>(src, dst); break;
            case DType.Int64: CopyFrom<long>(src, dst); break;
            case DType.Bool: CopyFrom<byte>(src, dst); break;
        }
    }

    private static void CopyFrom<TS>(in TensorDesc src, in TensorDesc dst) where TS : unmanaged, System.Numerics.INumberBase<TS>
    {
        switch (dst.DType)
        {
            case DType.Float32: Run(dst, src, new CastRow<TS, float>()); break;
            case DType.Float64: Run(dst, src, new CastRow<TS, double>()); break;
            case DType.Int32: Run(dst, src, new CastRow<TS, int>()); break;
            case DType.Int64: Run(dst, src, new CastRow<TS, long>()); break;
            case DType.Bool:
                if (typeof(TS) == typeof(byte)) Run(dst, src, new CastRow<byte, byte>());
                else Run(dst, src, new ToBoolRow<TS>());
                break;
        }
    }

    public void Upload<T>(ReadOnlySpan<T> src, in TensorDesc dst) where T : unmanaged
    {
        if (!dst.IsContiguous) throw new ArgumentException("Upload needs a contiguous destination.");
        src.CopyTo(new Span<T>(Ptr<T>(dst), dst.Numel));
    }

    public void Download<T>(in TensorDesc src, Span<T> dst) where T : unmanaged
    {
        int n = src.Numel;
        if (dst.Length < n) throw new ArgumentException("Download: destination too small.");
        if (src.IsContiguous)
        {
            new ReadOnlySpan<T>(Ptr<T>(src), n).CopyTo(dst);
            return;
        }
        fixed (T* p = dst)
        {
            var tmp = new FixedBuffer(p, n * sizeof(T));
            var d = new TensorDesc(tmp, src.DType, src.Shape, Shape.ContiguousStrides(src.Shape), 0);
            Copy(src, d);
        }
    }

    /// <summary>A CpuBuffer-shaped wrapper over caller memory, so host spans can be kernel operands.</summary>
    internal sealed class FixedBuffer : CpuBufferView
    {
        public FixedBuffer(void* p, long bytes) : base(p, bytes) { }
    }

    public void Unary(UnaryOp op, in TensorDesc x, in TensorDesc y, double alpha = 0, double beta = 0)
    {
        if (op is UnaryOp.IsNonFinite or UnaryOp.Not)
        {
            switch (x.DType)
            {
                case DType.Float32: Run(y, x, new PredicateRow<float> { Op = op }); break;
                case DType.Float64: Run(y, x, new PredicateRow<double> { Op = op }); break;
                case DType.Int32: Run(y, x, new PredicateRow<int> { Op = op }); break;
                case DType.Int64: Run(y, x, new PredicateRow<long> { Op = op }); break;
                case DType.Bool: Run(y, x, new PredicateRow<byte> { Op = op }); break;
            }
            return;
        }
        switch (x.DType)
        {
            case DType.Float32: Run(y, x, new FloatUnaryRow<float> { Op = op, Alpha = (float)alpha, Beta = (float)beta }); break;
            case DType.Float64: Run(y, x, new FloatUnaryRow<double> { Op = op, Alpha = alpha, Beta = beta }); break;
            case DType.Int32: Run(y, x, new IntUnaryRow<int> { Op = op, Alpha = ClampInt(alpha), Beta = ClampInt(beta) }); break;
            case DType.Int64: Run(y, x, new IntUnaryRow<long> { Op = op, Alpha = ClampLong(alpha), Beta = ClampLong(beta) }); break;
            default: throw new NotSupportedException($"Unary op {op} does not support dtype {x.DType.Name()}.");
        }
    }

    private static int ClampInt(double v) => double.IsNaN(v) ? 0 : (int)Math.Clamp(v, int.MinValue, int.MaxValue);
    private static long ClampLong(double v) => double.IsNaN(v) ? 0 : v >= long.MaxValue ? long.MaxValue : v <= long.MinValue ? long.MinValue : (long)v;

    public void Binary(BinaryOp op, in TensorDesc a, in TensorDesc b, in TensorDesc y, double alpha = 0, double beta = 0)
    {
        if (op is BinaryOp.Eq or BinaryOp.Ne or BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge or BinaryOp.And or BinaryOp.Or)
        {
            switch (a.DType)
            {
                case DType.Float32: StridedLoop.Run(y.Shape, y, a, b, None, 3, new CompareRow<float> { Op = op }); break;
                case DType.Float64: StridedLoop.Run(y.Shape, y, a, b, None, 3, new CompareRow<double> { Op = op }); break;
                case DType.Int32: StridedLoop.Run(y.Shape, y, a, b, None, 3, new CompareRow<int> { Op = op }); break;
                case DType.Int64: StridedLoop.Run(y.Shape, y, a, b, None, 3, new CompareRow<long> { Op = op }); break;
                case DType.Bool: StridedLoop.Run(y.Shape, y, a, b, None, 3, new CompareRow<byte> { Op = op }); break;
            }
            return;
        }
        switch (a.DType)
        {
            case DType.Float32: StridedLoop.Run(y.Shape, y, a, b, None, 3, new FloatBinaryRow<float> { Op = op, Alpha = (float)alpha, Beta = (float)beta }); break;
            case DType.Float64: StridedLoop.Run(y.Shape, y, a, b, None, 3, new FloatBinaryRow<double> { Op = op, Alpha = alpha, Beta = beta }); break;
            case DType.Int32: StridedLoop.Run(y.Shape, y, a, b, None, 3, new IntBinaryRow<int> { Op = op }); break;
            case DType.Int64: StridedLoop.Run(y.Shape, y, a, b, None, 3, new IntBinaryRow<long> { Op = op }); break;
            default: throw new NotSupportedException($"Binary op {op} does not support dtype {a.DType.Name()}.");
        }
    }

    public void Where(in TensorDesc cond, in TensorDesc a, in TensorDesc b, in TensorDesc y)
    {
        switch (y.DType.SizeOf())
        {
            case 1: StridedLoop.Run(y.Shape, y, cond, a, b, 4, new WhereRow<byte>()); break;
            case 4: StridedLoop.Run(y.Shape, y, cond, a, b, 4, new WhereRow<int>()); break;
            case 8: StridedLoop.Run(y.Shape, y, cond, a, b, 4, new WhereRow<long>()); break;
        }
    }
}

/// <summary>Non-owning view of memory the backend does not pool (host spans during transfers).</summary>
internal unsafe class CpuBufferView : DeviceBuffer, IHostMemory
{
    private readonly long _bytes;
    private readonly void* _pointer;
    public void* Pointer => _pointer;

    protected CpuBufferView(void* p, long bytes)
    {
        _pointer = p;
        _bytes = bytes;
    }

    public override long ByteLength => _bytes;
    public override Device Device => Device.Cpu;
    protected override void ReturnToPool() { }
}
