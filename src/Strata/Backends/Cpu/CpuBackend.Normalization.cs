using System.Numerics;
using System.Numerics.Tensors;

namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void LayerNormForward(in TensorDesc x, in TensorDesc weight, in TensorDesc bias, double eps, in TensorDesc y, in TensorDesc mean, in TensorDesc rstd)
    {
        switch (x.DType)
        {
            case DType.Float32: RunLn(new LnBody<float> { X = x, W = weight, B = bias, Eps = eps, Y = y, Mean = mean, Rstd = rstd }, x); break;
            case DType.Float64: RunLn(new LnBody<double> { X = x, W = weight, B = bias, Eps = eps, Y = y, Mean = mean, Rstd = rstd }, x); break;
            default: throw new NotSupportedException($"layer_norm: dtype {x.DType.Name()} is not supported.");
        }
    }

    public void LayerNormBackward(in TensorDesc x, in TensorDesc weight, in TensorDesc mean, in TensorDesc rstd, in TensorDesc gy, in TensorDesc gx)
    {
        switch (x.DType)
        {
            case DType.Float32: RunLn(new LnBody<float> { X = x, W = weight, Mean = mean, Rstd = rstd, G = gy, Y = gx, Backward = true }, x); break;
            case DType.Float64: RunLn(new LnBody<double> { X = x, W = weight, Mean = mean, Rstd = rstd, G = gy, Y = gx, Backward = true }, x); break;
            default: throw new NotSupportedException($"layer_norm: dtype {x.DType.Name()} is not supported.");
        }
    }

    private static void RunLn<T>(LnBody<T> body, in TensorDesc x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!x.IsContiguous || !body.Y.IsContiguous || (body.Backward && !body.G.IsContiguous))
            throw new ArgumentException("layer_norm kernels need contiguous [R, D] operands.");
        int d = x.Shape[^1];
        long rows = d == 0 ? 0 : x.Numel / d;
        if (rows == 0) return;
        body.Rows = rows;
        body.D = d;
        int chunks = (int)Math.Min(rows, rows * d < StridedLoop.ParallelThreshold ? 1 : CpuThreadPool.Threads * 4);
        body.Chunk = (rows + chunks - 1) / chunks;
        if (chunks <= 1) body.Invoke(0);
        else CpuThreadPool.For(chunks, body);
    }

    private sealed class LnBody<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public TensorDesc X, W, B, Y, Mean, Rstd, G;
        public double Eps;
        public bool Backward;
        public long Rows, Chunk;
        public int D;

        public override void Invoke(int index)
        {
            long r0 = index * Chunk, r1 = Math.Min(Rows, r0 + Chunk);
            if (r0 >= r1) return;
            var w = W.Buffer != null ? Contig(W) : default;
            var b = B.Buffer != null ? Contig(B) : default;
            T* mp = Ptr<T>(Mean);
            T* rp = Ptr<T>(Rstd);
            int ms = Mean.Strides.Length > 0 ? Mean.Strides[^1] : 1, rs = Rstd.Strides.Length > 0 ? Rstd.Strides[^1] : 1;
            var h = new T[D];
            var xhat = new T[D];
            T n = T.CreateTruncating(D);
            for (long r = r0; r < r1; r++)
            {
                var xr = new ReadOnlySpan<T>(Ptr<T>(X) + r * D, D);
                var yr = new Span<T>(Ptr<T>(Y) + r * D, D);
                if (!Backward)
                {
                    T mean = TensorPrimitives.Sum(xr) / n;
                    TensorPrimitives.Subtract(xr, mean, xhat);
                    T var = TensorPrimitives.SumOfSquares<T>(xhat) / n;
                    T rstd = T.One / T.Sqrt(var + T.CreateTruncating(Eps));
                    TensorPrimitives.Multiply<T>(xhat, rstd, yr);
                    if (!w.IsEmpty) TensorPrimitives.Multiply<T>(yr, w, yr);
                    if (!b.IsEmpty) TensorPrimitives.Add<T>(yr, b, yr);
                    mp[r * ms] = mean;
                    rp[r * rs] = rstd;
                }
                else
                {
                    var gr = new ReadOnlySpan<T>(Ptr<T>(G) + r * D, D);
                    T mean = mp[r * ms], rstd = rp[r * rs];
                    TensorPrimitives.Subtract(xr, mean, xhat);
                    TensorPrimitives.Multiply<T>(xhat, rstd, xhat);
                    if (!w.IsEmpty) TensorPrimitives.Multiply(gr, w, h);
                    else gr.CopyTo(h);
                    T meanH = TensorPrimitives.Sum<T>(h) / n;
                    T meanHX = TensorPrimitives.Dot<T>(h, xhat) / n;
                    // gx = rstd * (h - meanH - xhat * meanHX)
                    TensorPrimitives.Multiply<T>(xhat, meanHX, yr);
                    TensorPrimitives.Subtract<T>(h, yr, yr);
                    TensorPrimitives.Subtract<T>(yr, meanH, yr);
                    TensorPrimitives.Multiply<T>(yr, rstd, yr);
                }
            }
        }

        private ReadOnlySpan<T> Contig(in TensorDesc d)
        {
            if (!d.IsContiguous) throw new ArgumentException("layer_norm: weight and bias must be contiguous.");
            return new ReadOnlySpan<T>(Ptr<T>(d), D);
        }
    }
}
