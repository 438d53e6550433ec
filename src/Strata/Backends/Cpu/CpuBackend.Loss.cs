using System.Numerics;

namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public bool CrossEntropyForward(in TensorDesc x, in TensorDesc target, in TensorDesc weight, long ignoreIndex, double smoothing,
        in TensorDesc loss, in TensorDesc lse, in TensorDesc rowWeight, out long badTarget)
    {
        return x.DType switch
        {
            DType.Float32 => RunCe(new CeBody<float> { X = x, Tgt = target, W = weight, Ignore = ignoreIndex, S = smoothing, Loss = loss, Lse = lse, RowW = rowWeight }, out badTarget),
            DType.Float64 => RunCe(new CeBody<double> { X = x, Tgt = target, W = weight, Ignore = ignoreIndex, S = smoothing, Loss = loss, Lse = lse, RowW = rowWeight }, out badTarget),
            _ => throw new NotSupportedException($"cross_entropy: dtype {x.DType.Name()} is not supported."),
        };
    }

    public void CrossEntropyBackward(in TensorDesc x, in TensorDesc target, in TensorDesc weight, long ignoreIndex, double smoothing,
        in TensorDesc lse, in TensorDesc gLoss, in TensorDesc gx)
    {
        switch (x.DType)
        {
            case DType.Float32: RunCe(new CeBody<float> { X = x, Tgt = target, W = weight, Ignore = ignoreIndex, S = smoothing, Lse = lse, G = gLoss, Gx = gx, Backward = true }, out _); break;
            case DType.Float64: RunCe(new CeBody<double> { X = x, Tgt = target, W = weight, Ignore = ignoreIndex, S = smoothing, Lse = lse, G = gLoss, Gx = gx, Backward = true }, out _); break;
            default: throw new NotSupportedException($"cross_entropy: dtype {x.DType.Name()} is not supported.");
        }
    }

    private static bool RunCe<T>(CeBody<T> body, out long badTarget) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = body.X;
        int c = x.Shape[^1];
        long rows = c == 0 ? 0 : x.Numel / c;
        badTarget = 0;
        if (rows == 0) return true;
        body.Rows = rows;
        body.C = c;
        int chunks = (int)Math.Min(rows, rows * c < StridedLoop.ParallelThreshold ? 1 : CpuThreadPool.Threads * 4);
        body.Chunk = (rows + chunks - 1) / chunks;
        if (chunks <= 1) body.Invoke(0);
        else CpuThreadPool.For(chunks, body);
        badTarget = body.Bad;
        return !body.HasBad;
    }

    /// <summary>Offset of element <paramref name="i"/> (row-major over the shape) in a strided layout.</summary>
    private static long ElemOffset(in TensorDesc d, long i)
    {
        long off = d.Offset;
        for (int k = d.Rank - 1; k >= 0; k--)
        {
            int s = d.Shape[k];
            off += (i % s) * d.Strides[k];
            i /= s;
        }
        return off;
    }

    private sealed class CeBody<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public TensorDesc X, Tgt, W, Loss, Lse, RowW, G, Gx;
        public long Ignore, Rows, Chunk;
        public double S;
        public int C;
        public bool Backward;
        public volatile bool HasBad;
        public long Bad;

        public override void Invoke(int index)
        {
            long r0 = index * Chunk, r1 = Math.Min(Rows, r0 + Chunk);
            if (r0 >= r1) return;
            T* xb = (T*)HostMemory.PointerOf(X.Buffer);
            long* tb = (long*)HostMemory.PointerOf(Tgt.Buffer);
            bool weighted = W.Buffer != null;
            T* wb = weighted ? CpuBackend.Ptr<T>(W) : null;
            int ws = weighted ? W.Strides[0] : 0;
            int xs = X.Strides[^1];
            T eps = T.CreateTruncating(S);
            T keep = T.One - eps;
            T perClass = eps / T.CreateTruncating(C);
            T wSum = T.Zero;
            if (weighted) for (int j = 0; j < C; j++) wSum += wb[(long)j * ws];
            else wSum = T.CreateTruncating(C);
            for (long r = r0; r < r1; r++)
            {
                T* xp = xb + RowOffset(X, r);
                long t = tb[ElemOffset(Tgt, r)];
                bool ignored = t == Ignore;
                if (!ignored && (t < 0 || t >= C))
                {
                    Bad = t;
                    HasBad = true;
                    return;
                }
                if (!Backward)
                {
                    T m = T.NegativeInfinity;
                    for (int j = 0; j < C; j++) m = T.Max(m, xp[(long)j * xs]);
                    T sum = T.Zero;
                    for (int j = 0; j < C; j++) sum += T.Exp(xp[(long)j * xs] - m);
                    T l = m + T.Log(sum);
                    T* lp = (T*)HostMemory.PointerOf(Lse.Buffer) + ElemOffset(Lse, r);
                    T* lossp = (T*)HostMemory.PointerOf(Loss.Buffer) + ElemOffset(Loss, r);
                    T* rwp = (T*)HostMemory.PointerOf(RowW.Buffer) + ElemOffset(RowW, r);
                    *lp = l;
                    if (ignored)
                    {
                        *lossp = T.Zero;
                        *rwp = T.Zero;
                        continue;
                    }
                    T wt = weighted ? wb[t * ws] : T.One;
                    T loss = keep * wt * (l - xp[t * xs]);
                    if (S != 0)
                    {
                        T smooth = T.Zero;
                        for (int j = 0; j < C; j++) smooth += (weighted ? wb[(long)j * ws] : T.One) * (l - xp[(long)j * xs]);
                        loss += perClass * smooth;
                    }
                    *lossp = loss;
                    *rwp = wt;
                }
                else
                {
                    T* gxp = (T*)HostMemory.PointerOf(Gx.Buffer) + RowOffset(Gx, r);
                    int gs = Gx.Strides[^1];
                    if (ignored)
                    {
                        for (int j = 0; j < C; j++) gxp[(long)j * gs] = T.Zero;
                        continue;
                    }
                    T g = ((T*)HostMemory.PointerOf(G.Buffer))[ElemOffset(G, r)];
                    T l = ((T*)HostMemory.PointerOf(Lse.Buffer))[ElemOffset(Lse, r)];
                    T wt = weighted ? wb[t * ws] : T.One;
                    // d/dx_j = (1-s) w_t (p_j - [j = t]) + s/C (W p_j - w_j), with W the sum of class weights.
                    for (int j = 0; j < C; j++)
                    {
                        T p = T.Exp(xp[(long)j * xs] - l);
                        T wj = weighted ? wb[(long)j * ws] : T.One;
                        T d = keep * wt * (j == t ? p - T.One : p) + perClass * (wSum * p - wj);
                        gxp[(long)j * gs] = g * d;
                    }
                }
            }
        }
    }
}
