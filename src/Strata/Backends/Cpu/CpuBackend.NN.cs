using System.Numerics;
using System.Numerics.Tensors;

namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Softmax(in TensorDesc x, in TensorDesc y, bool log)
    {
        switch (x.DType)
        {
            case DType.Float32: RunSoftmax(new SoftmaxBody<float> { X = x, Y = y, Log = log, Backward = false }, x); break;
            case DType.Float64: RunSoftmax(new SoftmaxBody<double> { X = x, Y = y, Log = log, Backward = false }, x); break;
            default: throw new NotSupportedException($"softmax: dtype {x.DType.Name()} is not supported.");
        }
    }

    public void SoftmaxBackward(in TensorDesc y, in TensorDesc gy, in TensorDesc gx, bool log)
    {
        switch (y.DType)
        {
            case DType.Float32: RunSoftmax(new SoftmaxBody<float> { X = y, G = gy, Y = gx, Log = log, Backward = true }, y); break;
            case DType.Float64: RunSoftmax(new SoftmaxBody<double> { X = y, G = gy, Y = gx, Log = log, Backward = true }, y); break;
            default: throw new NotSupportedException($"softmax_backward: dtype {y.DType.Name()} is not supported.");
        }
    }

    private static void RunSoftmax<T>(SoftmaxBody<T> body, in TensorDesc x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rank == 0 ? 1 : x.Shape[^1];
        long rows = n == 0 ? 0 : x.Numel / n;
        if (rows == 0) return;
        body.Rows = rows;
        body.N = n;
        int chunks = (int)Math.Min(rows, rows * n < StridedLoop.ParallelThreshold ? 1 : CpuThreadPool.Threads * 4);
        body.Chunk = (rows + chunks - 1) / chunks;
        if (chunks <= 1) body.Invoke(0);
        else CpuThreadPool.For(chunks, body);
    }

    /// <summary>Offset of row <paramref name="row"/> (over all but the last dimension) in a strided layout.</summary>
    private static long RowOffset(in TensorDesc d, long row)
    {
        long off = d.Offset;
        for (int i = d.Rank - 2; i >= 0; i--)
        {
            int s = d.Shape[i];
            off += (row % s) * d.Strides[i];
            row /= s;
        }
        return off;
    }

    private sealed class SoftmaxBody<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public TensorDesc X, G, Y;
        public bool Log, Backward;
        public long Rows, Chunk;
        public int N;

        public override void Invoke(int index)
        {
            long r0 = index * Chunk, r1 = Math.Min(Rows, r0 + Chunk);
            if (r0 >= r1) return;
            // Rows that are strided along the last dimension are staged through contiguous scratch so the
            // vectorised primitives always see spans.
            var a = new T[N];
            var b = new T[N];
            var c = new T[N];
            T* xb = (T*)HostMemory.PointerOf(X.Buffer);
            T* yb = (T*)HostMemory.PointerOf(Y.Buffer);
            T* gb = Backward ? (T*)HostMemory.PointerOf(G.Buffer) : null;
            int xs = X.Rank == 0 ? 1 : X.Strides[^1], ys = Y.Rank == 0 ? 1 : Y.Strides[^1];
            int gs = Backward ? (G.Rank == 0 ? 1 : G.Strides[^1]) : 0;
            for (long r = r0; r < r1; r++)
            {
                T* xp = xb + RowOffset(X, r);
                T* yp = yb + RowOffset(Y, r);
                Load(xp, xs, a);
                if (!Backward)
                {
                    T max = TensorPrimitives.Max<T>(a);
                    TensorPrimitives.Subtract<T>(a, max, a);
                    TensorPrimitives.Exp<T>(a, b);
                    T sum = TensorPrimitives.Sum<T>(b);
                    if (Log) TensorPrimitives.Subtract<T>(a, T.Log(sum), b);
                    else TensorPrimitives.Divide<T>(b, sum, b);
                }
                else
                {
                    Load(gb + RowOffset(G, r), gs, c);
                    if (Log)
                    {
                        // gx = g - softmax * sum(g), softmax recovered from the saved log-probabilities.
                        T sum = TensorPrimitives.Sum<T>(c);
                        TensorPrimitives.Exp<T>(a, b);
                        TensorPrimitives.Multiply<T>(b, sum, b);
                        TensorPrimitives.Subtract<T>(c, b, b);
                    }
                    else
                    {
                        T dot = TensorPrimitives.Dot<T>(a, c);
                        TensorPrimitives.Subtract<T>(c, dot, b);
                        TensorPrimitives.Multiply<T>(b, a, b);
                    }
                }
                Store(b, yp, ys);
            }
        }

        private static void Load(T* p, int stride, Span<T> dst)
        {
            if (stride == 1) new ReadOnlySpan<T>(p, dst.Length).CopyTo(dst);
            else for (int i = 0; i < dst.Length; i++) dst[i] = p[(long)i * stride];
        }

        private static void Store(ReadOnlySpan<T> src, T* p, int stride)
        {
            if (stride == 1) src.CopyTo(new Span<T>(p, src.Length));
            else for (int i = 0; i < src.Length; i++) p[(long)i * stride] = src[i];
        }
    }

    public bool Gather(in TensorDesc x, int dim, in TensorDesc index, in TensorDesc y, out long badIndex)
    {
        switch (x.DType.SizeOf())
        {
            case 1: return GatherT<byte>(x, dim, index, y, out badIndex);
            case 4: return GatherT<int>(x, dim, index, y, out badIndex);
            default: return GatherT<long>(x, dim, index, y, out badIndex);
        }
    }

    private static bool GatherT<T>(in TensorDesc x, int dim, in TensorDesc index, in TensorDesc y, out long badIndex) where T : unmanaged
    {
        T* xp = (T*)HostMemory.PointerOf(x.Buffer);
        T* yp = (T*)HostMemory.PointerOf(y.Buffer);
        long* ip = (long*)HostMemory.PointerOf(index.Buffer);
        badIndex = 0;
        int rank = y.Rank;
        if (y.Numel == 0) return true;
        if (rank == 0)
        {
            long k0 = ip[index.Offset];
            if (k0 < 0 || k0 >= x.Shape[dim]) { badIndex = k0; return false; }
            yp[y.Offset] = xp[x.Offset + k0 * x.Strides[dim]];
            return true;
        }
        int size = x.Shape[dim], last = rank - 1, inner = y.Shape[last];
        long xs = x.Strides[last], ys = y.Strides[last], ist = index.Strides[last], ds = x.Strides[dim];
        // index_select (and any gather whose index is constant along the last dim) copies whole rows: one index
        // check and one block copy per row instead of per element.
        bool rowCopy = dim != last && ist == 0 && xs == 1 && ys == 1;
        long rows = y.Numel / inner;
        Span<int> idx = stackalloc int[rank];
        for (long r = 0; r < rows; r++)
        {
            long xo = x.Offset, yo = y.Offset, io = index.Offset;
            for (int d = 0; d < last; d++)
            {
                yo += (long)idx[d] * y.Strides[d];
                io += (long)idx[d] * index.Strides[d];
                if (d != dim) xo += (long)idx[d] * x.Strides[d];
            }
            if (rowCopy)
            {
                long k = ip[io];
                if (k < 0 || k >= size) { badIndex = k; return false; }
                new ReadOnlySpan<T>(xp + xo + k * ds, inner).CopyTo(new Span<T>(yp + yo, inner));
            }
            else
            {
                for (int j = 0; j < inner; j++)
                {
                    long k = ip[io + j * ist];
                    if (k < 0 || k >= size) { badIndex = k; return false; }
                    long xe = dim == last ? xo + k * ds : xo + j * xs + k * ds;
                    yp[yo + j * ys] = xp[xe];
                }
            }
            for (int d = last - 1; d >= 0; d--)
            {
                if (++idx[d] < y.Shape[d]) break;
                idx[d] = 0;
            }
        }
        return true;
    }

    public bool ScatterAdd(in TensorDesc y, int dim, in TensorDesc index, in TensorDesc src, out long badIndex)
    {
        switch (y.DType)
        {
            case DType.Float32: return ScatterAddT<float>(y, dim, index, src, out badIndex);
            case DType.Float64: return ScatterAddT<double>(y, dim, index, src, out badIndex);
            case DType.Int32: return ScatterAddT<int>(y, dim, index, src, out badIndex);
            case DType.Int64: return ScatterAddT<long>(y, dim, index, src, out badIndex);
            default: throw new NotSupportedException($"scatter_add: dtype {y.DType.Name()} is not supported.");
        }
    }

    private static bool ScatterAddT<T>(in TensorDesc y, int dim, in TensorDesc index, in TensorDesc src, out long badIndex) where T : unmanaged, INumber<T>
    {
        T* yp = (T*)HostMemory.PointerOf(y.Buffer);
        T* sp = (T*)HostMemory.PointerOf(src.Buffer);
        long* ip = (long*)HostMemory.PointerOf(index.Buffer);
        int rank = index.Rank;
        int size = y.Shape[dim];
        long n = index.Numel;
        Span<int> idx = stackalloc int[Math.Max(rank, 1)];
        // Serial on purpose: duplicate indices make parallel accumulation racy.
        for (long e = 0; e < n; e++)
        {
            long yo = y.Offset, so = src.Offset, io = index.Offset;
            for (int d = 0; d < rank; d++)
            {
                so += (long)idx[d] * src.Strides[d];
                io += (long)idx[d] * index.Strides[d];
                if (d != dim) yo += (long)idx[d] * y.Strides[d];
            }
            long k = ip[io];
            if (k < 0 || k >= size) { badIndex = k; return false; }
            yp[yo + k * y.Strides[dim]] += sp[so];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < index.Shape[d]) break;
                idx[d] = 0;
            }
        }
        badIndex = 0;
        return true;
    }
}
