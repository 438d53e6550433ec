using System.Numerics;
using System.Numerics.Tensors;

namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Reduce(ReduceOp op, in TensorDesc x, int reducedRank, in TensorDesc y)
    {
        switch (x.DType)
        {
            case DType.Float32: ReduceFloat<float>(op, x, reducedRank, y); break;
            case DType.Float64: ReduceFloat<double>(op, x, reducedRank, y); break;
            case DType.Int32: ReduceInt<int>(op, x, reducedRank, y); break;
            case DType.Int64: ReduceInt<long>(op, x, reducedRank, y); break;
            default: throw new NotSupportedException($"{op}: dtype {x.DType.Name()} cannot be reduced; convert it first.");
        }
    }

    /// <summary>Layout of a reduction: outer (kept) dims and inner (reduced) dims, each coalesced.</summary>
    private struct ReducePlan
    {
        public int OuterRank, InnerRank;
        public fixed int OuterShape[StridedLoop.MaxRank];
        public fixed int OuterStrides[StridedLoop.MaxRank];
        public fixed int YStrides[StridedLoop.MaxRank];
        public fixed int InnerShape[StridedLoop.MaxRank];
        public fixed int InnerStrides[StridedLoop.MaxRank];
        public int InnerCount, OuterCount;
    }

    private static ReducePlan MakeReducePlan(in TensorDesc x, int reducedRank, in TensorDesc y)
    {
        ReducePlan p = default;
        int lead = x.Rank - reducedRank;
        p.OuterCount = 1;
        for (int i = 0; i < lead; i++)
        {
            if (x.Shape[i] == 1) continue;
            p.OuterShape[p.OuterRank] = x.Shape[i];
            p.OuterStrides[p.OuterRank] = x.Strides[i];
            p.YStrides[p.OuterRank] = y.Strides[i];
            p.OuterRank++;
            p.OuterCount *= x.Shape[i];
        }
        p.InnerCount = 1;
        for (int i = lead; i < x.Rank; i++)
        {
            int n = x.Shape[i], s = x.Strides[i];
            p.InnerCount *= n;
            if (n == 1) continue;
            if (p.InnerRank > 0 && p.InnerStrides[p.InnerRank - 1] == s * n)
            {
                p.InnerShape[p.InnerRank - 1] *= n;
                p.InnerStrides[p.InnerRank - 1] = s;
                continue;
            }
            p.InnerShape[p.InnerRank] = n;
            p.InnerStrides[p.InnerRank] = s;
            p.InnerRank++;
        }
        return p;
    }

    private static void ReduceFloat<T>(ReduceOp op, in TensorDesc x, int reducedRank, in TensorDesc y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = MakeReducePlan(x, reducedRank, y);
        if (p.OuterCount == 0) return; // empty output (a kept dim of size 0): nothing to write, and no index to decompose
        T* xp = Ptr<T>(x);
        T* yp = Ptr<T>(y);
        if (p.InnerCount == 0)
        {
            T empty = op switch
            {
                ReduceOp.Sum => T.Zero,
                ReduceOp.Prod => T.One,
                ReduceOp.Mean => T.NaN,
                ReduceOp.LogSumExp => T.NegativeInfinity,
                _ => throw new ArgumentException($"{op.ToString().ToLowerInvariant()}: cannot reduce over an empty dimension."),
            };
            ForOuter(ref p, (0, p.OuterCount), new FillOuter<T> { Y = yp, Value = empty });
            return;
        }
        if (p.InnerCount == 1)
        {
            ForOuter(ref p, (0, p.OuterCount), new CopyOuter<T> { X = xp, Y = yp });
            return;
        }
        var body = new FloatReduceBody<T> { Plan = p, X = xp, Y = yp, Op = op };
        int chunks = ChunkCount((long)p.OuterCount * p.InnerCount, p.OuterCount);
        body.Chunk = (p.OuterCount + chunks - 1) / chunks;
        if (chunks <= 1) body.Invoke(0);
        else CpuThreadPool.For(chunks, body);
    }

    private static int ChunkCount(long work, int outer)
    {
        if (work < StridedLoop.ParallelThreshold || CpuThreadPool.Threads == 1) return 1;
        return Math.Min(outer, CpuThreadPool.Threads * 4);
    }

    /// <summary>Work for one output element of a reduce. A struct type parameter (not a delegate) so that
    /// ForOuter is specialised per kernel and a call allocates no closure.</summary>
    private interface IOuterAction
    {
        void Run(long xOffset, long yOffset);
    }

    private struct FillOuter<T> : IOuterAction where T : unmanaged
    {
        public T* Y;
        public T Value;
        public void Run(long xo, long yo) => Y[yo] = Value;
    }

    private struct CopyOuter<T> : IOuterAction where T : unmanaged
    {
        public T* X, Y;
        public void Run(long xo, long yo) => Y[yo] = X[xo];
    }

    private static void ForOuter<TA>(ref ReducePlan p, (int begin, int end) range, TA action) where TA : struct, IOuterAction
    {
        if (range.begin >= range.end) return; // also avoids decomposing an index over a size-0 dim
        Span<int> idx = stackalloc int[StridedLoop.MaxRank];
        long rem = range.begin;
        for (int d = p.OuterRank - 1; d >= 0; d--)
        {
            idx[d] = (int)(rem % p.OuterShape[d]);
            rem /= p.OuterShape[d];
        }
        for (int o = range.begin; o < range.end; o++)
        {
            long xo = 0, yo = 0;
            for (int d = 0; d < p.OuterRank; d++)
            {
                xo += (long)idx[d] * p.OuterStrides[d];
                yo += (long)idx[d] * p.YStrides[d];
            }
            action.Run(xo, yo);
            for (int d = p.OuterRank - 1; d >= 0; d--)
            {
                if (++idx[d] < p.OuterShape[d]) break;
                idx[d] = 0;
            }
        }
    }

    private sealed class FloatReduceBody<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public ReducePlan Plan;
        public T* X;
        public T* Y;
        public ReduceOp Op;
        public int Chunk;

        public override void Invoke(int index)
        {
            int begin = index * Chunk;
            int end = Math.Min(Plan.OuterCount, begin + Chunk);
            Span<int> idx = stackalloc int[StridedLoop.MaxRank];
            long rem = begin;
            for (int d = Plan.OuterRank - 1; d >= 0; d--)
            {
                idx[d] = (int)(rem % Plan.OuterShape[d]);
                rem /= Plan.OuterShape[d];
            }
            for (int o = begin; o < end; o++)
            {
                long xo = 0, yo = 0;
                for (int d = 0; d < Plan.OuterRank; d++)
                {
                    xo += (long)idx[d] * Plan.OuterStrides[d];
                    yo += (long)idx[d] * Plan.YStrides[d];
                }
                Y[yo] = ReduceBlock(X + xo);
                for (int d = Plan.OuterRank - 1; d >= 0; d--)
                {
                    if (++idx[d] < Plan.OuterShape[d]) break;
                    idx[d] = 0;
                }
            }
        }

        private T ReduceBlock(T* x)
        {
            switch (Op)
            {
                case ReduceOp.Sum: return Fold(x, ReduceOp.Sum, T.Zero, T.Zero);
                case ReduceOp.Mean: return Fold(x, ReduceOp.Sum, T.Zero, T.Zero) / T.CreateTruncating(Plan.InnerCount);
                case ReduceOp.Prod: return Fold(x, ReduceOp.Prod, T.One, T.Zero);
                case ReduceOp.Max: return Fold(x, ReduceOp.Max, T.NegativeInfinity, T.Zero);
                case ReduceOp.Min: return Fold(x, ReduceOp.Min, T.PositiveInfinity, T.Zero);
                case ReduceOp.LogSumExp:
                    T m = Fold(x, ReduceOp.Max, T.NegativeInfinity, T.Zero);
                    if (T.IsInfinity(m)) return m;
                    T s = Fold(x, ReduceOp.LogSumExp, T.Zero, m);
                    return m + T.Log(s);
                default: throw new NotSupportedException(Op.ToString());
            }
        }

        // Walks the inner block row by row; contiguous rows use TensorPrimitives. The logsumexp shift is passed
        // down rather than kept in a field: one body instance serves every thread of a parallel reduce, so a
        // field would be overwritten by other rows' maxima mid-sum.
        private T Fold(T* x, ReduceOp kind, T acc, T shift)
        {
            int rank = Plan.InnerRank;
            int n = Plan.InnerShape[rank - 1];
            int s = Plan.InnerStrides[rank - 1];
            int rows = Plan.InnerCount / n;
            Span<int> idx = stackalloc int[StridedLoop.MaxRank];
            for (int r = 0; r < rows; r++)
            {
                long off = 0;
                for (int d = 0; d < rank - 1; d++) off += (long)idx[d] * Plan.InnerStrides[d];
                T* row = x + off;
                acc = Combine(kind, acc, row, n, s, shift);
                for (int d = rank - 2; d >= 0; d--)
                {
                    if (++idx[d] < Plan.InnerShape[d]) break;
                    idx[d] = 0;
                }
            }
            return acc;
        }

        private static T Combine(ReduceOp kind, T acc, T* row, int n, int s, T shift)
        {
            if (s == 1)
            {
                var span = new ReadOnlySpan<T>(row, n);
                switch (kind)
                {
                    case ReduceOp.Sum: return acc + TensorPrimitives.Sum(span);
                    case ReduceOp.Max: { T m = TensorPrimitives.Max(span); return T.IsNaN(m) || T.IsNaN(acc) ? T.NaN : T.Max(acc, m); }
                    case ReduceOp.Min: { T m = TensorPrimitives.Min(span); return T.IsNaN(m) || T.IsNaN(acc) ? T.NaN : T.Min(acc, m); }
                }
            }
            for (int i = 0; i < n; i++)
            {
                T v = row[(long)i * s];
                switch (kind)
                {
                    case ReduceOp.Sum: acc += v; break;
                    case ReduceOp.Prod: acc *= v; break;
                    case ReduceOp.Max: acc = T.IsNaN(v) || T.IsNaN(acc) ? T.NaN : T.Max(acc, v); break;
                    case ReduceOp.Min: acc = T.IsNaN(v) || T.IsNaN(acc) ? T.NaN : T.Min(acc, v); break;
                    case ReduceOp.LogSumExp: acc += T.Exp(v - shift); break;
                }
            }
            return acc;
        }
    }

    private static void ReduceInt<T>(ReduceOp op, in TensorDesc x, int reducedRank, in TensorDesc y) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (op is ReduceOp.Mean or ReduceOp.LogSumExp)
            throw new NotSupportedException($"{op.ToString().ToLowerInvariant()}: integer tensors need converting to a floating dtype first.");
        var p = MakeReducePlan(x, reducedRank, y);
        if (p.InnerCount == 0 && op is ReduceOp.Max or ReduceOp.Min)
            throw new ArgumentException($"{op.ToString().ToLowerInvariant()}: cannot reduce over an empty dimension.");
        T* xp = Ptr<T>(x);
        T* yp = Ptr<T>(y);
        ForOuter(ref p, (0, p.OuterCount), new IntReduceOuter<T> { X = xp, Y = yp, Op = op, Plan = p });
    }

    private struct IntReduceOuter<T> : IOuterAction where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        public T* X, Y;
        public ReduceOp Op;
        public ReducePlan Plan;

        public void Run(long xo, long yo)
        {
            var op = Op;
            int rank = Plan.InnerRank, innerCount = Plan.InnerCount;
            T acc = op switch { ReduceOp.Sum => T.Zero, ReduceOp.Prod => T.One, ReduceOp.Max => T.MinValue, _ => T.MaxValue };
            Span<int> idx = stackalloc int[StridedLoop.MaxRank];
            for (int e = 0; e < innerCount; e++)
            {
                long off = 0;
                for (int d = 0; d < rank; d++) off += (long)idx[d] * Plan.InnerStrides[d];
                T v = X[xo + off];
                acc = op switch { ReduceOp.Sum => acc + v, ReduceOp.Prod => acc * v, ReduceOp.Max => T.Max(acc, v), _ => T.Min(acc, v) };
                for (int d = rank - 1; d >= 0; d--)
                {
                    if (++idx[d] < Plan.InnerShape[d]) break;
                    idx[d] = 0;
                }
            }
            Y[yo] = acc;
        }
    }

    public void ArgReduce(ArgReduceOp op, in TensorDesc x, in TensorDesc y)
    {
        switch (x.DType)
        {
            case DType.Float32: ArgReduceT<float>(op, x, y); break;
            case DType.Float64: ArgReduceT<double>(op, x, y); break;
            case DType.Int32: ArgReduceT<int>(op, x, y); break;
            case DType.Int64: ArgReduceT<long>(op, x, y); break;
            default: throw new NotSupportedException($"{op}: dtype {x.DType.Name()} is not supported.");
        }
    }

    private static void ArgReduceT<T>(ArgReduceOp op, in TensorDesc x, in TensorDesc y) where T : unmanaged, INumber<T>
    {
        var p = MakeReducePlan(x, 1, y);
        int n = x.Shape[^1];
        int s = x.Strides[^1];
        if (n == 0) throw new ArgumentException($"{op.ToString().ToLowerInvariant()}: cannot reduce over an empty dimension.");
        T* xp = Ptr<T>(x);
        long* yp = Ptr<long>(y);
        ForOuter(ref p, (0, p.OuterCount), new ArgReduceOuter<T> { X = xp, Y = yp, N = n, S = s, Max = op == ArgReduceOp.ArgMax });
    }

    private struct ArgReduceOuter<T> : IOuterAction where T : unmanaged, INumber<T>
    {
        public T* X;
        public long* Y;
        public int N, S;
        public bool Max;

        public void Run(long xo, long yo)
        {
            T best = X[xo];
            long bi = 0;
            if (!T.IsNaN(best))
                for (int i = 1; i < N; i++)
                {
                    T v = X[xo + (long)i * S];
                    if (T.IsNaN(v)) { bi = i; break; }
                    if (Max ? v > best : v < best) { best = v; bi = i; }
                }
            Y[yo] = bi;
        }
    }
}
