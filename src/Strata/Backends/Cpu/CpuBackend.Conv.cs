using System.Numerics;

namespace Strata.Backends.Cpu;

// Convolution as GEMM over im2col tiles. Each image (and group) is lowered separately and its output columns are
// processed in tiles, so scratch stays bounded (TileElements) however large the batch or image.
public sealed unsafe partial class CpuBackend
{
    // Scratch per tile: big enough for GEMM to be efficient, small enough to stay in cache-ish sizes.
    private const int TileElements = 1 << 18;
    // Below this many multiply-adds the thread dispatch costs more than it saves.
    private const long ParallelWork = 1 << 16;

    public void Conv2d(in TensorDesc x, in TensorDesc w, in TensorDesc bias, in TensorDesc y, in Conv2dParams p)
    {
        switch (y.DType)
        {
            case DType.Float32: new ConvJob<float>(this, x, w, y, p).Forward(bias); break;
            case DType.Float64: new ConvJob<double>(this, x, w, y, p).Forward(bias); break;
            default: throw new NotSupportedException($"conv2d: dtype {y.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    public void Conv2dBackwardInput(in TensorDesc gy, in TensorDesc w, in TensorDesc gx, in Conv2dParams p)
    {
        switch (gx.DType)
        {
            case DType.Float32: new ConvJob<float>(this, gx, w, gy, p).BackwardInput(); break;
            case DType.Float64: new ConvJob<double>(this, gx, w, gy, p).BackwardInput(); break;
            default: throw new NotSupportedException($"conv2d: dtype {gx.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    public void Conv2dBackwardWeight(in TensorDesc x, in TensorDesc gy, in TensorDesc gw, in Conv2dParams p)
    {
        switch (gw.DType)
        {
            case DType.Float32: new ConvJob<float>(this, x, gw, gy, p).BackwardWeight(); break;
            case DType.Float64: new ConvJob<double>(this, x, gw, gy, p).BackwardWeight(); break;
            default: throw new NotSupportedException($"conv2d: dtype {gw.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    internal static void GemmT<T>(int m, int n, int k, T* a, int rsa, int csa, T* b, int rsb, int csb, T* c, int rsc, int csc, bool accumulate)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(m, n, k, (float*)a, rsa, csa, (float*)b, rsb, csb, (float*)c, rsc, csc, accumulate);
        else
            Gemm.Dgemm(m, n, k, (double*)a, rsa, csa, (double*)b, rsb, csb, (double*)c, rsc, csc, accumulate);
    }

    /// <summary>
    /// One conv2d call's geometry and operands. "x" is the conv input side (input or its gradient), "y" the output side
    /// (output or its gradient), "w" the weight side (weight or its gradient).
    /// </summary>
    private sealed class ConvJob<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly CpuBackend _backend;
        private readonly T* _x, _w, _y;
        private readonly long _xsN, _xsC, _xsH, _xsW;
        private readonly int N, C, H, W, O, OH, OW, KH, KW, G, Cg, Og, K, OHW;
        private readonly int SH, SW, PH, PW, DH, DW;
        private readonly int _tile;
        private readonly bool _direct;

        public ConvJob(CpuBackend backend, in TensorDesc x, in TensorDesc w, in TensorDesc y, in Conv2dParams p)
        {
            _backend = backend;
            _x = Ptr<T>(x); _w = Ptr<T>(w); _y = Ptr<T>(y);
            (N, C, H, W) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
            (_xsN, _xsC, _xsH, _xsW) = (x.Strides[0], x.Strides[1], x.Strides[2], x.Strides[3]);
            (O, OH, OW) = (y.Shape[1], y.Shape[2], y.Shape[3]);
            (KH, KW) = (w.Shape[2], w.Shape[3]);
            G = p.Groups; Cg = C / G; Og = O / G;
            K = Cg * KH * KW; OHW = OH * OW;
            (SH, SW, PH, PW, DH, DW) = (p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW);
            _tile = Math.Max(1, Math.Min(OHW, Math.Max(64, TileElements / Math.Max(1, K))));
            // A 1x1, stride-1, unpadded conv reads x itself as the column matrix when each plane is dense.
            _direct = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 && _xsW == 1 && _xsH == W && OHW == H * W;
        }

        private bool Parallel => N > 1 && (long)N * O * K * OHW > ParallelWork;

        private DeviceBuffer Scratch() => _backend.Allocate(DTypeOfT, K * _tile);

        public void Forward(in TensorDesc bias)
        {
            T* b = bias.Buffer == null ? null : Ptr<T>(bias);
            if (Parallel) CpuThreadPool.For(N, n => ForwardImage(n, b));
            else for (int n = 0; n < N; n++) ForwardImage(n, b);
        }

        private void ForwardImage(int n, T* bias)
        {
            T* yn = _y + (long)n * O * OHW;
            if (_direct)
            {
                for (int g = 0; g < G; g++)
                    GemmT(Og, OHW, K, _w + (long)g * Og * K, K, 1,
                        _x + n * _xsN + g * Cg * _xsC, (int)_xsC, 1,
                        yn + (long)g * Og * OHW, OHW, 1, false);
            }
            else
            {
                var buf = Scratch();
                try
                {
                    T* col = (T*)HostMemory.PointerOf(buf);
                    for (int g = 0; g < G; g++)
                        for (int c0 = 0; c0 < OHW; c0 += _tile)
                        {
                            int t = Math.Min(_tile, OHW - c0);
                            Im2Col(n, g, c0, t, col);
                            GemmT(Og, t, K, _w + (long)g * Og * K, K, 1, col, t, 1, yn + (long)g * Og * OHW + c0, OHW, 1, false);
                        }
                }
                finally { buf.Release(); }
            }
            if (bias != null)
                for (int o = 0; o < O; o++)
                {
                    T bo = bias[o];
                    T* row = yn + (long)o * OHW;
                    for (int i = 0; i < OHW; i++) row[i] += bo;
                }
        }

        public void BackwardInput()
        {
            if (Parallel) CpuThreadPool.For(N, BackwardInputImage);
            else for (int n = 0; n < N; n++) BackwardInputImage(n);
        }

        // Here x is the (contiguous) input gradient being written, y the output gradient.
        private void BackwardInputImage(int n)
        {
            T* gxn = _x + n * _xsN;
            T* gyn = _y + (long)n * O * OHW;
            if (_direct)
            {
                for (int g = 0; g < G; g++)
                    GemmT(K, OHW, Og, _w + (long)g * Og * K, 1, K, gyn + (long)g * Og * OHW, OHW, 1,
                        gxn + g * Cg * _xsC, (int)_xsC, 1, false);
                return;
            }
            new Span<T>(gxn, C * H * W).Clear();
            var buf = Scratch();
            try
            {
                T* col = (T*)HostMemory.PointerOf(buf);
                for (int g = 0; g < G; g++)
                    for (int c0 = 0; c0 < OHW; c0 += _tile)
                    {
                        int t = Math.Min(_tile, OHW - c0);
                        GemmT(K, t, Og, _w + (long)g * Og * K, 1, K, gyn + (long)g * Og * OHW + c0, OHW, 1, col, t, 1, false);
                        Col2Im(n, g, c0, t, col);
                    }
            }
            finally { buf.Release(); }
        }

        // Images are split into a fixed number of chunks (never derived from the thread count); each chunk sums its
        // images in index order into its own partial gradient, and the partials are added in chunk order, so the
        // result is identical for every thread count.
        private const int WeightChunks = 8;

        public void BackwardWeight()
        {
            long work = (long)N * O * K * OHW;
            int chunks = work > ParallelWork ? Math.Min(N, WeightChunks) : 1;
            if (chunks <= 1)
            {
                if (G > 1 && work > ParallelWork) CpuThreadPool.For(G, g => BackwardWeightGroup(g, _w, 0, N));
                else for (int g = 0; g < G; g++) BackwardWeightGroup(g, _w, 0, N);
                return;
            }
            long size = (long)O * K;
            var partial = _backend.Allocate(DTypeOfT, (int)(size * (chunks - 1)));
            try
            {
                T* parts = (T*)HostMemory.PointerOf(partial);
                CpuThreadPool.For(chunks * G, job =>
                {
                    int chunk = job / G, g = job % G;
                    T* target = chunk == 0 ? _w : parts + (chunk - 1) * size;
                    BackwardWeightGroup(g, target, (int)((long)chunk * N / chunks), (int)((long)(chunk + 1) * N / chunks));
                });
                for (int chunk = 1; chunk < chunks; chunk++)
                {
                    T* src = parts + (chunk - 1) * size;
                    for (long i = 0; i < size; i++) _w[i] += src[i];
                }
            }
            finally { partial.Release(); }
        }

        private static DType DTypeOfT => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

        // Writes the weight gradient of group g summed over images [n0, n1) into target (a full [O, K] gradient).
        private void BackwardWeightGroup(int g, T* target, int n0, int n1)
        {
            T* gw = target + (long)g * Og * K;
            bool first = true;
            if (_direct)
            {
                for (int n = n0; n < n1; n++)
                {
                    GemmT(Og, K, OHW, _y + (long)n * O * OHW + (long)g * Og * OHW, OHW, 1,
                        _x + n * _xsN + g * Cg * _xsC, 1, (int)_xsC, gw, K, 1, !first);
                    first = false;
                }
                if (first) new Span<T>(gw, Og * K).Clear();
                return;
            }
            var buf = Scratch();
            try
            {
                T* col = (T*)HostMemory.PointerOf(buf);
                for (int n = n0; n < n1; n++)
                    for (int c0 = 0; c0 < OHW; c0 += _tile)
                    {
                        int t = Math.Min(_tile, OHW - c0);
                        Im2Col(n, g, c0, t, col);
                        GemmT(Og, K, t, _y + (long)n * O * OHW + (long)g * Og * OHW + c0, OHW, 1, col, 1, t, gw, K, 1, !first);
                        first = false;
                    }
                if (first) new Span<T>(gw, Og * K).Clear();
            }
            finally { buf.Release(); }
        }

        // col[r, j] for r = (c, i, k) over the group's channels and kernel taps, j over output positions [c0, c0+t).
        private void Im2Col(int n, int g, int c0, int t, T* col)
        {
            T* xn = _x + n * _xsN;
            for (int c = 0; c < Cg; c++)
            {
                T* xc = xn + (g * Cg + c) * _xsC;
                for (int i = 0; i < KH; i++)
                    for (int k = 0; k < KW; k++)
                    {
                        T* dst = col + ((long)(c * KH + i) * KW + k) * t;
                        int oh = c0 / OW, ow = c0 % OW;
                        for (int j = 0; j < t; j++)
                        {
                            int ih = oh * SH - PH + i * DH, iw = ow * SW - PW + k * DW;
                            dst[j] = (uint)ih < (uint)H && (uint)iw < (uint)W ? xc[ih * _xsH + iw * _xsW] : T.Zero;
                            if (++ow == OW) { ow = 0; oh++; }
                        }
                    }
            }
        }

        // Adds col back into the (contiguous) input gradient of image n: the adjoint of Im2Col.
        private void Col2Im(int n, int g, int c0, int t, T* col)
        {
            T* xn = _x + n * _xsN;
            for (int c = 0; c < Cg; c++)
            {
                T* xc = xn + (g * Cg + c) * _xsC;
                for (int i = 0; i < KH; i++)
                    for (int k = 0; k < KW; k++)
                    {
                        T* src = col + ((long)(c * KH + i) * KW + k) * t;
                        int oh = c0 / OW, ow = c0 % OW;
                        for (int j = 0; j < t; j++)
                        {
                            int ih = oh * SH - PH + i * DH, iw = ow * SW - PW + k * DW;
                            if ((uint)ih < (uint)H && (uint)iw < (uint)W) xc[ih * _xsH + iw * _xsW] += src[j];
                            if (++ow == OW) { ow = 0; oh++; }
                        }
                    }
            }
        }
    }
}
