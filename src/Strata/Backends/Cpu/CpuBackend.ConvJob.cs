using System.Numerics;
using System.Numerics.Tensors;

namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    // Scratch per column tile of one large image: big enough for GEMM to be efficient, bounded however large the image.
    private const int TileElements = 1 << 18;
    // Small images are lowered whole, several per GEMM, while their im2col stays about L2-sized.
    private const int GroupElements = 1 << 17;
    // Columns per batch-folded GEMM: enough for the micro-kernel to stream, few enough to leave tasks for every thread.
    private const int MaxGroupColumns = 1024;
    // Below this many multiply-adds the thread dispatch costs more than it saves.
    private const long ParallelWork = 1 << 16;
    // Below this many multiply-adds in the whole call (conv2 of the seed CNN on one image: 2.2M) the GEMMs stay on the
    // calling thread: splitting a ~30 µs product measured never faster on 2 threads and up to 2x slower when the
    // worker's wake-up lands late (ConvProfile "conv2 gemm 1 image": 29 µs on 1 thread, 29-54 µs on 2).
    private const long SerialGemmWork = 1 << 22;

    /// <summary>
    /// One conv2d call's geometry and operands. "x" is the conv input side (input or its gradient), "y" the output side
    /// (output or its gradient), "w" the weight side (weight or its gradient).
    /// </summary>
    /// <remarks>
    /// Three schedules, chosen from the geometry only (never from the thread count, so results are identical for any
    /// number of threads): a dense 1x1 conv multiplies x itself (direct); small images are lowered whole and
    /// <c>_ipt</c> images are folded into one GEMM's N dimension (grouped); large images are lowered in column tiles
    /// (tiled). Convolutions with few taps (K ≤ 16, e.g. one input channel, 3x3) skip the packed GEMM for a vectorised
    /// small-K product. Parallel tasks are image groups, so tasks never write the same output.
    /// </remarks>
    private sealed class ConvJob<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly CpuBackend _backend;
        private readonly T* _x, _w, _y;
        private readonly long _xsN, _xsC, _xsH, _xsW;
        private readonly int N, C, H, W, O, OH, OW, KH, KW, G, Cg, Og, K, OHW;
        private readonly int SH, SW, PH, PW, DH, DW;
        private readonly int _tile, _ipt, _tasks;
        private readonly bool _direct, _grouped, _smallK, _directSmall, _gemmParallel;
        // Float convolutions whose lowered input is written straight from the images (LoweredPanels), never as a whole
        // matrix: the forward of grouped small images and of large ones (which then need no column tiles), and large
        // images' weight-gradient tiles (as rows). Grouped weight gradients still lower into a matrix: their panels are
        // the lowered matrix transposed, and writing those from the images (rows of taps, then 8x8 transposes) measured
        // 3-5 % slower than the matrix path.
        private readonly bool _lowered;

        // Width of the conv plane that pool indices refer to: OW, or the full width when a pooled job was cropped to the
        // even rows and columns its 2x2 pool reads (see CpuBackend.PooledJob).
        private readonly int _idxW;

        public ConvJob(CpuBackend backend, in TensorDesc x, in TensorDesc w, in TensorDesc y, in Conv2dParams p, int poolIndexWidth = 0)
        {
            _backend = backend;
            _x = Ptr<T>(x); _w = Ptr<T>(w); _y = y.Buffer == null ? null : Ptr<T>(y); // no buffer: pooled forward
            (N, C, H, W) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
            (_xsN, _xsC, _xsH, _xsW) = (x.Strides[0], x.Strides[1], x.Strides[2], x.Strides[3]);
            (O, OH, OW) = (y.Shape[1], y.Shape[2], y.Shape[3]);
            _idxW = poolIndexWidth > 0 ? poolIndexWidth : OW;
            (KH, KW) = (w.Shape[2], w.Shape[3]);
            G = p.Groups; Cg = C / G; Og = O / G;
            K = Cg * KH * KW; OHW = OH * OW;
            (SH, SW, PH, PW, DH, DW) = (p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW);
            _tile = Math.Max(1, Math.Min(OHW, Math.Max(64, TileElements / Math.Max(1, K))));
            // A 1x1, stride-1, unpadded conv reads x itself as the column matrix when each plane is dense.
            _direct = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 && _xsW == 1 && _xsH == W && OHW == H * W;
            _grouped = !_direct && (long)K * OHW <= GroupElements;
            _smallK = _grouped && K <= ConvKernels.SmallK;
            // Few taps, any image size: the direct kernel (large images too, so the fused conv + pool kernel, which
            // uses the same rows, gives the same bits as these unfused ops).
            _directSmall = !_direct && K <= ConvKernels.SmallK && typeof(T) == typeof(float)
                && DirectConvKernels.Supported(K, OW, SH, SW, PH, PW, DH, DW, _xsW);
            _ipt = _grouped && !_smallK
                ? Math.Clamp(Math.Min(GroupElements / (K * OHW), MaxGroupColumns / OHW), 1, Math.Max(1, N))
                : 1;
            _tasks = (N + _ipt - 1) / _ipt;
            _gemmParallel = (long)N * O * K * OHW >= SerialGemmWork;
            bool panelsApply = LoweredPanels.Enabled && typeof(T) == typeof(float) && !_direct && !_smallK && !_directSmall && Og >= 2 && K >= 2;
            _padded = panelsApply && (PH > 0 || PW > 0) && LoweredPanels.Supported(OH, OW, SH, SW, 0, 0, W + 2L * PW, 1);
            _lowered = panelsApply && (_padded || LoweredPanels.Supported(OH, OW, SH, SW, PH, PW, _xsH, _xsW));
        }

        // A padded convolution's panels come from a zero-padded copy of its images (see PaddedImages).
        private readonly bool _padded;

        [ThreadStatic] private static GemmScratch? _padScratch;

        // The lowered input of images [n0, n1) of group g, as panels (see LoweredPanels).
        private void InitLowered(LoweredPanels* panels, int n0, int n1, int g)
        {
            if (!_padded)
            {
                panels->Init((float*)(_x + n0 * _xsN + g * Cg * _xsC), _xsN, _xsC, _xsH, KH, KW, SH, DH, DW, OH, OW);
                panels->Prefetch(n1 - n0, Cg, H, W);
                return;
            }
            long sH = W + 2 * PW, sC = (H + 2 * PH) * sH, sN = Cg * sC;
            panels->Init(PaddedImages(n0, n1, g, sN, sC, sH), sN, sC, sH, KH, KW, SH, DH, DW, OH, OW);
        }

        // Images [n0, n1) of group g with their zero padding written out ([image, channel, H + 2·PH, W + 2·PW]), so a
        // padded convolution lowers as an unpadded one: the zeros it reads are the ones its lowering would have written.
        // About 1 % of a 3x3 convolution's multiply-adds in copies, and the copy is then in cache for the panels.
        private float* PaddedImages(int n0, int n1, int g, long sN, long sC, long sH)
        {
            float* dst = (float*)(_padScratch ??= new GemmScratch()).Get((nuint)((n1 - n0) * sN * sizeof(float)));
            for (int n = n0; n < n1; n++)
                for (int c = 0; c < Cg; c++)
                {
                    float* plane = dst + (n - n0) * sN + c * sC;
                    T* src = _x + n * _xsN + (g * Cg + c) * _xsC;
                    new Span<float>(plane, (int)(PH * sH)).Clear();
                    new Span<float>(plane + (PH + H) * sH, (int)(PH * sH)).Clear();
                    for (int ih = 0; ih < H; ih++)
                    {
                        float* row = plane + (ih + PH) * sH;
                        T* from = src + ih * _xsH;
                        for (int q = 0; q < PW; q++) row[q] = row[PW + W + q] = 0;
                        if (_xsW == 1) new ReadOnlySpan<float>(from, W).CopyTo(new Span<float>(row + PW, W));
                        else for (int iw = 0; iw < W; iw++) row[PW + iw] = *(float*)(from + iw * _xsW);
                    }
                }
            return dst;
        }

        // Scratch a forward needs for the lowered matrix of `cols` columns: none when its panels come from the images.
        private long LoweredSize(int cols) => _lowered ? 0 : (long)K * cols;

        private bool Parallel => _tasks > 1 && (long)N * O * K * OHW > ParallelWork;

        private static DType DTypeOfT => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

        private DeviceBuffer Scratch(long elements) => _backend.Allocate(DTypeOfT, (int)Math.Max(1, elements));

        // Scratch a parallel task uses while it runs. Per thread rather than rented per task: with rents from whichever
        // threads happen to take tasks at the same moment, a warm step could find the pool short and allocate (seen on
        // CI in the steady-state test). Nested parallel calls run inline, so a thread runs one task at a time.
        [ThreadStatic] private static GemmScratch? _taskScratch;

        private static T* TaskScratch(long elements) =>
            (T*)(_taskScratch ??= new GemmScratch()).Get((nuint)Math.Max(1, elements) * (nuint)sizeof(T));

        // Columns of a grouped GEMM over images [n0, n1).
        private int Cols(int n0, int n1) => (n1 - n0) * OHW;

        private (int n0, int n1) TaskImages(int t) => (t * _ipt, Math.Min(N, (t + 1) * _ipt));

        private void Im2ColImage(int n, int g, T* col, long ld) =>
            ConvKernels.Im2ColImage(_x + n * _xsN + g * Cg * _xsC, _xsC, _xsH, _xsW, Cg, H, W, KH, KW, OH, OW, SH, SW, PH, PW, DH, DW, col, ld);

        // dst[o, (n - n0)·OHW + j] = gy[n, g·Og + o, j]: the output-side block of a group as one [Og, cols] matrix.
        private void GatherY(int g, int n0, int n1, T* dst)
        {
            int cols = Cols(n0, n1);
            if (_pooledGy != null)
            {
                // The output gradient is a 2x2 max pool's: each pooled value goes to its maximum, the rest is zero.
                int ph = OH / 2, pw = OW / 2, iw = _idxW, crop = iw - OW;
                long cells = (long)ph * pw;
                for (int n = n0; n < n1; n++)
                    for (int o = 0; o < Og; o++)
                    {
                        float* row = (float*)(dst + (long)o * cols + (n - n0) * OHW);
                        new Span<float>(row, OHW).Clear();
                        long at = ((long)n * O + g * Og + o) * cells;
                        float* src = _pooledGy + at;
                        int* ix = _pooledIdx + at;
                        if (crop == 0)
                        {
                            for (long c = 0; c < cells; c++) row[ix[c]] = src[c];
                            continue;
                        }
                        // Indices count full-width rows; a window's maximum sits in its row 2·py or the one below.
                        for (int py = 0, c = 0; py < ph; py++)
                        {
                            int top = 2 * py * iw;
                            for (int px = 0; px < pw; px++, c++)
                            {
                                int rel = ix[c] - top, below = rel >= iw ? 1 : 0;
                                row[ix[c] - (2 * py + below) * crop] = src[c];
                            }
                        }
                    }
                return;
            }
            for (int n = n0; n < n1; n++)
                for (int o = 0; o < Og; o++)
                    new ReadOnlySpan<T>(_y + ((long)n * O + g * Og + o) * OHW, OHW).CopyTo(new Span<T>(dst + (long)o * cols + (n - n0) * OHW, OHW));
        }

        public void Forward(in TensorDesc bias)
        {
            T* b = bias.Buffer == null ? null : Ptr<T>(bias);
            if (Parallel) CpuThreadPool.For(_tasks, t => ForwardTask(t, b));
            else for (int t = 0; t < _tasks; t++) ForwardTask(t, b);
        }

        private void ForwardTask(int t, T* bias)
        {
            var (n0, n1) = TaskImages(t);
            if (_grouped) ForwardGroup(n0, n1, bias);
            else for (int n = n0; n < n1; n++) ForwardImage(n, bias);
        }

        private void ForwardGroup(int n0, int n1, T* bias)
        {
            if (_directSmall)
            {
                for (int n = n0; n < n1; n++)
                    for (int g = 0; g < G; g++)
                        DirectConvKernels.Forward(Cg, KH, KW, OH, OW, (float*)(_x + n * _xsN + g * Cg * _xsC), _xsC, _xsH,
                            (float*)(_w + (long)g * Og * K), Og, bias == null ? null : (float*)(bias + g * Og),
                            (float*)(_y + ((long)n * O + g * Og) * OHW), OHW);
                return;
            }
            int cols = Cols(n0, n1);
            bool single = n1 - n0 == 1;
            long colSize = LoweredSize(cols);
            T* col = TaskScratch(colSize + (single ? 0 : (long)Og * cols));
            T* tmp = col + colSize;
            for (int g = 0; g < G; g++)
            {
                T* bg = bias == null ? null : bias + g * Og;
                if (single)
                {
                    ConvTile(n0, n1, g, bg, col, cols, _y + ((long)n0 * O + g * Og) * OHW, OHW);
                    continue;
                }
                // Several images: the tile's rows hold them side by side, so each image's planes are copied out, with
                // the bias added on the way.
                ConvTile(n0, n1, g, null, col, cols, tmp, cols);
                for (int n = n0; n < n1; n++)
                    for (int o = 0; o < Og; o++)
                    {
                        var src = new ReadOnlySpan<T>(tmp + (long)o * cols + (n - n0) * OHW, OHW);
                        var dst = new Span<T>(_y + ((long)n * O + g * Og + o) * OHW, OHW);
                        if (bg != null) TensorPrimitives.Add(src, bg[o], dst);
                        else src.CopyTo(dst);
                    }
            }
        }

        // Lowers images [n0, n1) of group g into col and multiplies: dst[o, j] (row stride ld) = conv + bias[o] (no bias
        // when null), for the group's Og channels and the images' positions side by side.
        private void ConvTile(int n0, int n1, int g, T* bias, T* col, int cols, T* dst, int ld)
        {
            T* wg = _w + (long)g * Og * K;
            if (_lowered)
            {
                LoweredPanels panels;
                InitLowered(&panels, n0, n1, g);
                Gemm.Sgemm(Og, cols, K, (float*)wg, K, 1, new GemmBSource<float>(&LoweredPanels.PackForward, &panels), (float*)dst, ld, 1,
                    false, _gemmParallel);
                if (bias != null) AddRowBias(dst, bias, ld, cols);
                return;
            }
            for (int n = n0; n < n1; n++) Im2ColImage(n, g, col + (n - n0) * OHW, cols);
            if (_smallK)
            {
                ConvKernels.SmallKForward(Og, cols, K, wg, col, cols, bias, dst, ld);
                return;
            }
            GemmT(Og, cols, K, wg, K, 1, col, cols, 1, dst, ld, 1, false, _gemmParallel);
            if (bias != null) AddRowBias(dst, bias, ld, cols);
        }

        private float* _pooledGy;
        private int* _pooledIdx;

        /// <summary>True when the backward passes can read a pooled output gradient (<see cref="UsePooledOutputGradient"/>).</summary>
        public bool CanReadPooledGradient => typeof(T) == typeof(float) && _grouped;

        /// <summary>
        /// The output gradient is given pooled ([N, O, OH/2, OW/2] values with the int32 positions of their maxima, as
        /// <see cref="ForwardMaxPool2x2"/> wrote them) instead of conv-shaped: each task places it into its own gradient
        /// tile, so the conv-shaped gradient is never written to memory.
        /// </summary>
        public void UsePooledOutputGradient(float* gy, int* idx)
        {
            _pooledGy = gy;
            _pooledIdx = idx;
        }

        /// <summary>True when <see cref="ForwardMaxPool2x2"/> applies: float32 lowered-and-multiplied (grouped) geometry.</summary>
        public bool SupportsMaxPool2x2 => typeof(T) == typeof(float) && _grouped && !_directSmall && OH >= 2 && OW >= 2;

        /// <summary>
        /// Conv (+ bias) then 2x2, stride-2 max pooling: yp [N, O, OH/2, OW/2] and idx (int32, flat h·OW+w position of each
        /// maximum in its conv plane) without writing the conv output; each task pools its GEMM tile while it is in
        /// cache. Conv values and pooling rules are those of the unfused ops, so outputs are bit-identical.
        /// </summary>
        public void ForwardMaxPool2x2(in TensorDesc bias, float* yp, int* idx)
        {
            T* b = bias.Buffer == null ? null : Ptr<T>(bias);
            if (Parallel) CpuThreadPool.For(_tasks, t => ForwardPoolTask(t, b, yp, idx));
            else for (int t = 0; t < _tasks; t++) ForwardPoolTask(t, b, yp, idx);
        }

        // PoolRows reads up to 32 floats past a row's start; the slack keeps the last row's reads inside the scratch.
        private const int PoolSlack = 64;

        private void ForwardPoolTask(int t, T* bias, float* yp, int* idx)
        {
            var (n0, n1) = TaskImages(t);
            int cols = Cols(n0, n1), ph = OH / 2, pw = OW / 2;
            long cells = (long)ph * pw;
            long colSize = LoweredSize(cols);
            T* col = TaskScratch(colSize + (long)Og * cols + PoolSlack);
            T* tmp = col + colSize;
            for (int g = 0; g < G; g++)
            {
                // The same products as Forward (same shapes, so the same sums), into the tile instead of the output.
                ConvTile(n0, n1, g, bias == null ? null : bias + g * Og, col, cols, tmp, cols);
                for (int n = n0; n < n1; n++)
                    for (int o = 0; o < Og; o++)
                    {
                        long outPlane = ((long)n * O + g * Og + o) * cells;
                        ConvPoolKernels.PoolPlane((float*)(tmp + (long)o * cols + (n - n0) * OHW), ph, pw, OW, _idxW, yp + outPlane, idx + outPlane);
                    }
            }
        }

        // rows[o, :len] += bias[o] over Og rows of stride ld.
        private void AddRowBias(T* rows, T* bias, long ld, int len)
        {
            for (int o = 0; o < Og; o++)
            {
                var row = new Span<T>(rows + o * ld, len);
                TensorPrimitives.Add<T>(row, bias[o], row);
            }
        }

        private void ForwardImage(int n, T* bias)
        {
            T* yn = _y + (long)n * O * OHW;
            if (_directSmall)
            {
                for (int g = 0; g < G; g++)
                    DirectConvKernels.Forward(Cg, KH, KW, OH, OW, (float*)(_x + n * _xsN + g * Cg * _xsC), _xsC, _xsH,
                        (float*)(_w + (long)g * Og * K), Og, bias == null ? null : (float*)(bias + g * Og), (float*)(yn + (long)g * Og * OHW), OHW);
                return;
            }
            if (_direct)
            {
                for (int g = 0; g < G; g++)
                    GemmT(Og, OHW, K, _w + (long)g * Og * K, K, 1,
                        _x + n * _xsN + g * Cg * _xsC, (int)_xsC, 1,
                        yn + (long)g * Og * OHW, OHW, 1, false, _gemmParallel);
            }
            else if (_lowered)
            {
                // Panels from the image: no lowered matrix, so no column tiles to bound it either.
                for (int g = 0; g < G; g++)
                {
                    LoweredPanels panels;
                    InitLowered(&panels, n, n + 1, g);
                    Gemm.Sgemm(Og, OHW, K, (float*)(_w + (long)g * Og * K), K, 1, new GemmBSource<float>(&LoweredPanels.PackForward, &panels),
                        (float*)(yn + (long)g * Og * OHW), OHW, 1, false, _gemmParallel);
                }
            }
            else
            {
                T* col = TaskScratch((long)K * _tile);
                for (int g = 0; g < G; g++)
                    for (int c0 = 0; c0 < OHW; c0 += _tile)
                    {
                        int t = Math.Min(_tile, OHW - c0);
                        Im2ColTile(n, g, c0, t, col);
                        GemmT(Og, t, K, _w + (long)g * Og * K, K, 1, col, t, 1, yn + (long)g * Og * OHW + c0, OHW, 1, false, _gemmParallel);
                    }
            }
            if (bias != null)
                for (int g = 0; g < G; g++) AddRowBias(yn + (long)g * Og * OHW, bias + g * Og, OHW, OHW);
        }

        public void BackwardInput()
        {
            if (Parallel) CpuThreadPool.For(_tasks, BackwardInputTask);
            else for (int t = 0; t < _tasks; t++) BackwardInputTask(t);
        }

        private void BackwardInputTask(int t)
        {
            var (n0, n1) = TaskImages(t);
            if (_grouped) BackwardInputGroup(n0, n1);
            else for (int n = n0; n < n1; n++) BackwardInputImage(n);
        }

        // Here x is the (contiguous) input gradient being written, y the output gradient.
        private void BackwardInputGroup(int n0, int n1)
        {
            int cols = Cols(n0, n1);
            bool single = n1 - n0 == 1 && _pooledGy == null;
            new Span<T>(_x + n0 * _xsN, (n1 - n0) * C * H * W).Clear();
            T* col = TaskScratch((long)K * cols + (single ? 0 : (long)Og * cols));
            T* gyg = col + (long)K * cols;
            for (int g = 0; g < G; g++)
            {
                T* b;
                if (single) b = _y + ((long)n0 * O + g * Og) * OHW;
                else { GatherY(g, n0, n1, gyg); b = gyg; }
                GemmT(K, cols, Og, _w + (long)g * Og * K, 1, K, b, cols, 1, col, cols, 1, false, _gemmParallel);
                for (int n = n0; n < n1; n++)
                    ConvKernels.Col2ImImage(_x + n * _xsN + g * Cg * _xsC, Cg, H, W, KH, KW, OH, OW, SH, SW, PH, PW, DH, DW,
                        col + (n - n0) * OHW, cols);
            }
        }

        private void BackwardInputImage(int n)
        {
            T* gxn = _x + n * _xsN;
            T* gyn = _y + (long)n * O * OHW;
            if (_direct)
            {
                for (int g = 0; g < G; g++)
                    GemmT(K, OHW, Og, _w + (long)g * Og * K, 1, K, gyn + (long)g * Og * OHW, OHW, 1,
                        gxn + g * Cg * _xsC, (int)_xsC, 1, false, _gemmParallel);
                return;
            }
            new Span<T>(gxn, C * H * W).Clear();
            T* col = TaskScratch((long)K * _tile);
            for (int g = 0; g < G; g++)
                for (int c0 = 0; c0 < OHW; c0 += _tile)
                {
                    int t = Math.Min(_tile, OHW - c0);
                    GemmT(K, t, Og, _w + (long)g * Og * K, 1, K, gyn + (long)g * Og * OHW + c0, OHW, 1, col, t, 1, false, _gemmParallel);
                    Col2ImTile(n, g, c0, t, col);
                }
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
            var partial = Scratch(size * (chunks - 1));
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
                    var src = new ReadOnlySpan<T>(parts + (chunk - 1) * size, (int)size);
                    var dst = new Span<T>(_w, (int)size);
                    TensorPrimitives.Add<T>(dst, src, dst);
                }
            }
            finally { partial.Release(); }
        }

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
                        _x + n * _xsN + g * Cg * _xsC, 1, (int)_xsC, gw, K, 1, !first, _gemmParallel);
                    first = false;
                }
            }
            else if (_grouped)
            {
                T* col = TaskScratch((long)(K + Og) * _ipt * OHW);
                T* gyg = col + (long)K * _ipt * OHW;
                for (int m0 = n0; m0 < n1; m0 += _ipt)
                {
                    int m1 = Math.Min(n1, m0 + _ipt), cols = Cols(m0, m1);
                    for (int n = m0; n < m1; n++) Im2ColImage(n, g, col + (n - m0) * OHW, cols);
                    T* a;
                    if (m1 - m0 == 1 && _pooledGy == null) a = _y + ((long)m0 * O + g * Og) * OHW;
                    else { GatherY(g, m0, m1, gyg); a = gyg; }
                    if (_smallK) ConvKernels.SmallKWeightGrad(Og, cols, K, a, cols, col, cols, gw, !first);
                    else GemmT(Og, K, cols, a, cols, 1, col, 1, cols, gw, K, 1, !first, _gemmParallel);
                    first = false;
                }
            }
            else
            {
                // Lowered by LoweredPanels, a tile's rows are 16-aligned (its stores are whole aligned vectors).
                int ld = _lowered ? (_tile + 15) & ~15 : _tile;
                T* col = TaskScratch((long)K * ld);
                for (int n = n0; n < n1; n++)
                {
                    var panels = new LoweredPanels();
                    if (_lowered) InitLowered(&panels, n, n + 1, g);
                    for (int c0 = 0; c0 < OHW; c0 += _tile)
                    {
                        int t = Math.Min(_tile, OHW - c0), rs = _lowered ? ld : t;
                        if (_lowered) panels.Rows(c0, t, K, (float*)col, ld);
                        else Im2ColTile(n, g, c0, t, col);
                        GemmT(Og, K, t, _y + (long)n * O * OHW + (long)g * Og * OHW + c0, OHW, 1, col, 1, rs, gw, K, 1, !first, _gemmParallel);
                        first = false;
                    }
                }
            }
            if (first) new Span<T>(gw, Og * K).Clear();
        }

        // col[r, j] for r = (c, i, k) over the group's channels and kernel taps, j over output positions [c0, c0+t).
        private void Im2ColTile(int n, int g, int c0, int t, T* col)
        {
            T* xn = _x + n * _xsN;
            if (SW == 1 && _xsW == 1 && LoweredPanels.Enabled)
            {
                TileByRuns(n, g, c0, t, col, addBack: false);
                return;
            }
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

        // Adds col back into the (contiguous) input gradient of image n: the adjoint of Im2ColTile.
        private void Col2ImTile(int n, int g, int c0, int t, T* col)
        {
            T* xn = _x + n * _xsN;
            if (SW == 1 && _xsW == 1 && LoweredPanels.Enabled)
            {
                TileByRuns(n, g, c0, t, col, addBack: true);
                return;
            }
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

        // A tile with unit column stride, tap row by tap row: each output row's run of positions meets one contiguous
        // stretch of an input row, copied (lowering; zeros where the tap falls in the padding) or added back (the
        // adjoint) a vector at a time. Every input-gradient element still gets one term per tap, taps in the same order,
        // so the sums are the scalar loop's.
        private void TileByRuns(int n, int g, int c0, int t, T* col, bool addBack)
        {
            T* xn = _x + n * _xsN;
            for (int c = 0; c < Cg; c++)
            {
                T* xc = xn + (g * Cg + c) * _xsC;
                for (int i = 0; i < KH; i++)
                    for (int k = 0; k < KW; k++)
                    {
                        T* row = col + ((long)(c * KH + i) * KW + k) * t;
                        int off = k * DW - PW;
                        int lo = off >= 0 ? 0 : Math.Min(OW, -off), hi = W - 1 - off < 0 ? 0 : Math.Min(OW, W - off);
                        for (int j = c0; j < c0 + t;)
                        {
                            int oh = j / OW, owA = j - oh * OW, owB = Math.Min(OW, owA + (c0 + t - j));
                            int ih = oh * SH - PH + i * DH;
                            bool inside = (uint)ih < (uint)H;
                            // r[ow] is position (oh, ow) of the tile, x[ow] the input under it; [a, b) the columns inside.
                            T* r = row + (j - c0) - owA, x = xc + ih * _xsH + off;
                            int a = inside ? Math.Clamp(lo, owA, owB) : owB, b = inside ? Math.Clamp(hi, a, owB) : owB;
                            if (addBack)
                            {
                                if (b > a) ConvKernels.AddRow(r + a, x + a, b - a);
                            }
                            else
                            {
                                for (int q = owA; q < a; q++) r[q] = T.Zero;
                                if (b > a) ConvKernels.CopyRow(x + a, r + a, b - a);
                                for (int q = b; q < owB; q++) r[q] = T.Zero;
                            }
                            j += owB - owA;
                        }
                    }
            }
        }
    }
}
