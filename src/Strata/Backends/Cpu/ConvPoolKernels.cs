using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>
/// A few-tap float32 convolution fused with the 2x2, stride-2 max pooling after it (a CNN's first block). The
/// convolution's full-size output never reaches memory: each pair of output rows is computed into an L1 buffer,
/// pooled, and only the pooled values and the positions of their maxima are written. The backward pass rebuilds the
/// conv output gradient row by row in registers from the pooled gradient. On the seed CNN's conv1 (1→32 channels, 3x3,
/// 28x28) the unfused path wrote and re-read a 5.5 MB activation and its 5.5 MB gradient each step.
/// </summary>
/// <remarks>
/// Geometry as <see cref="DirectConvKernels"/> (stride 1, no padding or dilation, output rows at least 16 wide).
/// Pooling keeps <see cref="CpuBackend.MaxPool2d"/>'s rules: the first maximum of the window in row-major order wins
/// ties, and a NaN wins and stays. Conv values are bit-identical to the unfused direct kernel's.
/// </remarks>
internal static unsafe class ConvPoolKernels
{
    private const int Lanes = 16;

    /// <summary>Floats of scratch <see cref="Forward"/> needs: two rows for each of four channels.</summary>
    public static int ForwardScratch(int ow) => 8 * RowStride(ow);

    private static int RowStride(int ow) => (ow + 2 * Lanes - 1) / (2 * Lanes) * (2 * Lanes) + 2 * Lanes;

    /// <summary>
    /// One image: y[o, pr, pc] = max over the 2x2 window of conv(x)[o] (+ bias), idx[o, pr, pc] = the flat position
    /// r·ow + c of that maximum in the (oh x ow) conv output plane. y and idx planes are dense [oh/2, ow/2].
    /// </summary>
    public static void Forward(int cg, int kh, int kw, int oh, int ow, float* x, long xsC, long xsH, float* w, int og, float* bias,
        float* y, int* idx, float* scratch)
    {
        int k = cg * kh * kw, ph = oh / 2, pw = ow / 2, rs = RowStride(ow);
        new Span<float>(scratch, 8 * rs).Clear();
        for (int o0 = 0; o0 < og; o0 += 4)
        {
            int chans = Math.Min(4, og - o0);
            for (int pr = 0; pr < ph; pr++)
            {
                if (chans == 4)
                    DirectConvKernels.Row4x2(cg, kh, kw, ow, x, xsC, xsH, w + (long)o0 * k, k, bias == null ? null : bias + o0, 2 * pr,
                        scratch, scratch + rs, 2 * rs);
                else
                    for (int q = 0; q < 2; q++)
                        for (int c = 0; c < chans; c++)
                            DirectConvKernels.Row1(cg, kh, kw, ow, x, xsC, xsH, w + (long)(o0 + c) * k, bias == null ? 0f : bias[o0 + c], 2 * pr + q, scratch + (2 * c + q) * rs);
                for (int c = 0; c < chans; c++)
                {
                    long plane = (long)(o0 + c) * ph * pw;
                    PoolRows(scratch + 2 * c * rs, scratch + (2 * c + 1) * rs, pw, ow, 2 * pr * ow, y + plane + pr * pw, idx + plane + pr * pw);
                }
            }
        }
    }

    // Constants as inlined Create calls, not static readonly fields: with tiered compilation off (the CLI and the bench)
    // methods are compiled before the class is initialised, and a field read then costs a class-init check whose
    // possible call made the JIT spill every vector around it (PoolRows kept its four loaded rows on the stack).
    private static Vector512<int> Evens
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    }

    private static Vector512<int> Odds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector512<float> best, ref Vector512<int> off, Vector512<float> v, Vector512<int> voff)
    {
        // best is replaced when it is not NaN and v is not <= best (v larger, or v NaN).
        var take = Vector512.AndNot(Vector512.Equals(best, best), Vector512.LessThanOrEqual(v, best));
        best = Vector512.ConditionalSelect(take, v, best);
        off = Vector512.ConditionalSelect(take.AsInt32(), voff, off);
    }

    /// <summary>
    /// Pools a whole conv plane (oh x ow, dense) into ph x pw cells, as <see cref="PoolRows"/> row pair by row pair, with the
    /// same tie and NaN rules. Narrow planes (pw ≤ 8, e.g. conv2's 11x11 of the seed CNN) take one 16-float load per
    /// conv row and single-source permutes: the general routine spent ~100 cycles per pooled row there, mostly on
    /// loads and constants for lanes it then masked off. Reads up to 32 floats past each row's start. The plane's rows
    /// are ow apart in memory; indices are written for rows idxW wide (the full conv width when the plane was cropped).
    /// </summary>
    internal static void PoolPlane(float* plane, int ph, int pw, int ow, int idxW, float* y, int* idx)
    {
        if (pw > Lanes / 2)
        {
            for (int pr = 0; pr < ph; pr++)
                PoolRows(plane + 2 * pr * ow, plane + (2 * pr + 1) * ow, pw, idxW, 2 * pr * idxW, y + pr * pw, idx + pr * pw);
            return;
        }
        var evens = Evens;
        var odds = Odds;
        var offW = Vector512.Create(idxW);
        var offW1 = Vector512.Create(idxW + 1);
        var one = Vector512.Create(1);
        var store = Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(pw));
        for (int pr = 0; pr < ph; pr++)
        {
            float* r0 = plane + 2 * pr * ow;
            var a = Vector512.Load(r0);
            var c = Vector512.Load(r0 + ow);
            // Lanes past pw read wrapped indices; they are never stored.
            var best = Avx512F.PermuteVar16x32(a, evens);
            var off = Vector512<int>.Zero;
            Take(ref best, ref off, Avx512F.PermuteVar16x32(a, odds), one);
            Take(ref best, ref off, Avx512F.PermuteVar16x32(c, evens), offW);
            Take(ref best, ref off, Avx512F.PermuteVar16x32(c, odds), offW1);
            var pos = Vector512.Create(2 * pr * idxW) + evens + off;
            Avx512F.MaskStore(y + pr * pw, store.AsSingle(), best);
            Avx512F.MaskStore(idx + pr * pw, store, pos);
        }
    }

    // Pools two conv rows (r0 above r1, each at least 2·pw long and readable 32 floats past every chunk start) into pw
    // cells: 16 cells per step from even/odd lane permutes of 32 loaded columns.
    internal static void PoolRows(float* r0, float* r1, int pw, int ow, int rowBase, float* y, int* idx)
    {
        var offW = Vector512.Create(ow);
        var offW1 = Vector512.Create(ow + 1);
        var one = Vector512.Create(1);
        for (int q0 = 0; q0 < pw; q0 += Lanes)
        {
            var a0 = Vector512.Load(r0 + 2 * q0);
            var a1 = Vector512.Load(r0 + 2 * q0 + Lanes);
            var c0 = Vector512.Load(r1 + 2 * q0);
            var c1 = Vector512.Load(r1 + 2 * q0 + Lanes);
            var best = Avx512F.PermuteVar16x32x2(a0, Evens, a1);
            var off = Vector512<int>.Zero;
            Take(ref best, ref off, Avx512F.PermuteVar16x32x2(a0, Odds, a1), one);
            Take(ref best, ref off, Avx512F.PermuteVar16x32x2(c0, Evens, c1), offW);
            Take(ref best, ref off, Avx512F.PermuteVar16x32x2(c0, Odds, c1), offW1);
            var pos = Vector512.Create(rowBase + 2 * q0) + Evens + off; // Evens is also 2·lane, each window's first column
            int n = Math.Min(Lanes, pw - q0);
            if (n == Lanes)
            {
                best.Store(y + q0);
                pos.Store(idx + q0);
            }
            else
            {
                var m = Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(n));
                Avx512F.MaskStore(y + q0, m.AsSingle(), best);
                Avx512F.MaskStore(idx + q0, m, pos);
            }
        }
    }

    private static Vector512<int> ZipLo
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    }

    private static Vector512<int> ZipHi
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    }

    /// <summary>
    /// gw[o, t] (+)= Σ over images [0, images) of the conv weight gradient, where the conv output gradient is gy
    /// (pooled, [og, oh/2, ow/2] per image, image stride gysN) placed at idx and zero elsewhere. The conv output
    /// gradient is never stored: for 16 pooled cells, each of the two conv rows under them is rebuilt in registers
    /// (the pooled value in the lane of its maximum, zero in the other three, interleaved back to 32 columns). Two
    /// output channels share every shifted input load; taps go nine per pass (a 3x3 single-channel kernel in one).
    /// Sums are 16-lane accumulators reduced in a fixed order, so results do not depend on the thread count.
    /// </summary>
    [ThreadStatic] private static GemmScratch? _weightGradAcc;

    // The next image's planes of the pair, fetched while this image's are computed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PrefetchPlanes(float* g, int* i, int count)
    {
        for (int off = 0; off < count; off += 16) { Sse.Prefetch0(g + off); Sse.Prefetch0(i + off); }
    }

    public static void WeightGrad(int images, int cg, int kh, int kw, int oh, int ow, int width, float* x, long xsN, long xsC, long xsH,
        float* gy, int* idx, long gysN, int og, float* gw, bool accumulate)
    {
        int k = cg * kh * kw, ph = oh / 2, pw = ow / 2, cells = ph * pw;
        const int Pad = ConvKernels.SmallK + 9;
        var offs = stackalloc long[Pad];
        var cols = stackalloc int[Pad];
        for (int c = 0, t = 0; c < cg; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++, t++) { offs[t] = c * xsC + i * xsH + j; cols[t] = j; }
        for (int t = k; t < Pad; t++) { offs[t] = 0; cols[t] = 0; }
        var sums = stackalloc float[2 * Pad];
        // rowsv[(ch * 2 + r) * 2 + half]: conv row r of channel ch, columns [32·chunk + 16·half, +16). stackalloc only
        // promises pointer alignment, so the vectors are aligned by hand: a split 64-byte store and reload costs.
        byte* vectors = stackalloc byte[8 * 64 + 63];
        var rowsv = (Vector512<float>*)(((nint)vectors + 63) & ~(nint)63);
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        // Images outermost, channel pairs inside, so the pooled gradient and indices are read as one sequential stream:
        // with channel pairs outermost each (image, channel) plane was a short read a channel stride away, and in a
        // training step (indices written long before, gradient by the other thread) the call waited on memory:
        // 1.0 ms against 0.28 ms with the same data hot. The 18 accumulators of each (pair, tap group) live in
        // per-thread scratch between images; each still sums its terms in the same order as before.
        int pairs = (og + 1) / 2, groups = (k + 8) / 9;
        var acc = (Vector512<float>*)(_weightGradAcc ??= new GemmScratch()).Get((nuint)(pairs * groups * 18 * 64));
        new Span<byte>(acc, pairs * groups * 18 * 64).Clear();
        for (int n = 0; n < images; n++)
        {
            float* xn = x + n * xsN;
            for (int o = 0, pi = 0; o < og; o += 2, pi++)
            {
                bool pair = o + 1 < og;
                if (n + 1 < images) PrefetchPlanes(gy + (n + 1) * gysN + (long)o * cells, idx + (n + 1) * gysN + (long)o * cells, (pair ? 2 : 1) * cells);
                for (int t0 = 0; t0 < k; t0 += 9)
                {
                    int taps = Math.Min(9, k - t0);
                    var st = acc + (pi * groups + t0 / 9) * 18;
                    Vector512<float> a0 = st[0], a1 = st[1], a2 = st[2], a3 = st[3], a4 = st[4], a5 = st[5], a6 = st[6], a7 = st[7], a8 = st[8];
                    Vector512<float> b0 = st[9], b1 = st[10], b2 = st[11], b3 = st[12], b4 = st[13], b5 = st[14], b6 = st[15], b7 = st[16], b8 = st[17];
                    long f0 = offs[t0], f1 = offs[t0 + 1], f2 = offs[t0 + 2], f3 = offs[t0 + 3], f4 = offs[t0 + 4];
                    long f5 = offs[t0 + 5], f6 = offs[t0 + 6], f7 = offs[t0 + 7], f8 = offs[t0 + 8];
                    int maxCol = 0;
                    for (int q = 0; q < taps; q++) maxCol = Math.Max(maxCol, cols[t0 + q]);
                    for (int pr = 0; pr < ph; pr++)
                        for (int pc0 = 0; pc0 < pw; pc0 += Lanes)
                        {
                            var valid = Vector512.LessThan(lane, Vector512.Create(pw - pc0));
                            var start = Vector512.Create(2 * pr * ow + 2 * pc0) + Evens;
                            for (int ch = 0; ch < 2; ch++)
                            {
                                long at = n * gysN + (long)(o + (pair ? ch : 0)) * cells + pr * pw + pc0;
                                var g = ch == 1 && !pair ? Vector512<float>.Zero : Avx512F.MaskLoad(gy + at, valid.AsSingle(), Vector512<float>.Zero);
                                var local = Avx512F.MaskLoad(idx + at, valid, start) - start;
                                var e0 = Vector512.ConditionalSelect(Vector512.Equals(local, Vector512<int>.Zero).AsSingle(), g, Vector512<float>.Zero);
                                var o0 = Vector512.ConditionalSelect(Vector512.Equals(local, Vector512.Create(1)).AsSingle(), g, Vector512<float>.Zero);
                                var e1 = Vector512.ConditionalSelect(Vector512.Equals(local, Vector512.Create(ow)).AsSingle(), g, Vector512<float>.Zero);
                                var o1 = Vector512.ConditionalSelect(Vector512.Equals(local, Vector512.Create(ow + 1)).AsSingle(), g, Vector512<float>.Zero);
                                rowsv[ch * 4 + 0] = Avx512F.PermuteVar16x32x2(e0, ZipLo, o0);
                                rowsv[ch * 4 + 1] = Avx512F.PermuteVar16x32x2(e0, ZipHi, o0);
                                rowsv[ch * 4 + 2] = Avx512F.PermuteVar16x32x2(e1, ZipLo, o1);
                                rowsv[ch * 4 + 3] = Avx512F.PermuteVar16x32x2(e1, ZipHi, o1);
                            }
                            for (int r = 0; r < 2; r++)
                                for (int half = 0; half < 2; half++)
                                {
                                    int col0 = 2 * pc0 + Lanes * half;
                                    if (col0 >= 2 * pw) break;
                                    var u = rowsv[r * 2 + half];
                                    var w = rowsv[4 + r * 2 + half];
                                    float* xr = xn + (2 * pr + r) * xsH + col0;
                                    if (col0 + Lanes + maxCol <= width)
                                    {
                                        var v = Vector512.Load(xr + f0); a0 = Avx512F.FusedMultiplyAdd(u, v, a0); b0 = Avx512F.FusedMultiplyAdd(w, v, b0);
                                        v = Vector512.Load(xr + f1); a1 = Avx512F.FusedMultiplyAdd(u, v, a1); b1 = Avx512F.FusedMultiplyAdd(w, v, b1);
                                        v = Vector512.Load(xr + f2); a2 = Avx512F.FusedMultiplyAdd(u, v, a2); b2 = Avx512F.FusedMultiplyAdd(w, v, b2);
                                        v = Vector512.Load(xr + f3); a3 = Avx512F.FusedMultiplyAdd(u, v, a3); b3 = Avx512F.FusedMultiplyAdd(w, v, b3);
                                        v = Vector512.Load(xr + f4); a4 = Avx512F.FusedMultiplyAdd(u, v, a4); b4 = Avx512F.FusedMultiplyAdd(w, v, b4);
                                        v = Vector512.Load(xr + f5); a5 = Avx512F.FusedMultiplyAdd(u, v, a5); b5 = Avx512F.FusedMultiplyAdd(w, v, b5);
                                        v = Vector512.Load(xr + f6); a6 = Avx512F.FusedMultiplyAdd(u, v, a6); b6 = Avx512F.FusedMultiplyAdd(w, v, b6);
                                        v = Vector512.Load(xr + f7); a7 = Avx512F.FusedMultiplyAdd(u, v, a7); b7 = Avx512F.FusedMultiplyAdd(w, v, b7);
                                        v = Vector512.Load(xr + f8); a8 = Avx512F.FusedMultiplyAdd(u, v, a8); b8 = Avx512F.FusedMultiplyAdd(w, v, b8);
                                    }
                                    else
                                    {
                                        // The row's end: columns past the input read as zero (their gradient lanes are zero too).
                                        var limit = Vector512.Create(width - col0) - lane;
                                        var v = Load(xr + f0, limit, cols[t0]); a0 = Avx512F.FusedMultiplyAdd(u, v, a0); b0 = Avx512F.FusedMultiplyAdd(w, v, b0);
                                        v = Load(xr + f1, limit, cols[t0 + 1]); a1 = Avx512F.FusedMultiplyAdd(u, v, a1); b1 = Avx512F.FusedMultiplyAdd(w, v, b1);
                                        v = Load(xr + f2, limit, cols[t0 + 2]); a2 = Avx512F.FusedMultiplyAdd(u, v, a2); b2 = Avx512F.FusedMultiplyAdd(w, v, b2);
                                        v = Load(xr + f3, limit, cols[t0 + 3]); a3 = Avx512F.FusedMultiplyAdd(u, v, a3); b3 = Avx512F.FusedMultiplyAdd(w, v, b3);
                                        v = Load(xr + f4, limit, cols[t0 + 4]); a4 = Avx512F.FusedMultiplyAdd(u, v, a4); b4 = Avx512F.FusedMultiplyAdd(w, v, b4);
                                        v = Load(xr + f5, limit, cols[t0 + 5]); a5 = Avx512F.FusedMultiplyAdd(u, v, a5); b5 = Avx512F.FusedMultiplyAdd(w, v, b5);
                                        v = Load(xr + f6, limit, cols[t0 + 6]); a6 = Avx512F.FusedMultiplyAdd(u, v, a6); b6 = Avx512F.FusedMultiplyAdd(w, v, b6);
                                        v = Load(xr + f7, limit, cols[t0 + 7]); a7 = Avx512F.FusedMultiplyAdd(u, v, a7); b7 = Avx512F.FusedMultiplyAdd(w, v, b7);
                                        v = Load(xr + f8, limit, cols[t0 + 8]); a8 = Avx512F.FusedMultiplyAdd(u, v, a8); b8 = Avx512F.FusedMultiplyAdd(w, v, b8);
                                    }
                                }
                        }
                    st[0] = a0; st[1] = a1; st[2] = a2; st[3] = a3; st[4] = a4; st[5] = a5; st[6] = a6; st[7] = a7; st[8] = a8;
                    st[9] = b0; st[10] = b1; st[11] = b2; st[12] = b3; st[13] = b4; st[14] = b5; st[15] = b6; st[16] = b7; st[17] = b8;
                }
            }
        }
        for (int o = 0, pi = 0; o < og; o += 2, pi++)
        {
            bool pair = o + 1 < og;
            for (int t0 = 0; t0 < k; t0 += 9)
            {
                var st = acc + (pi * groups + t0 / 9) * 18;
                for (int q = 0; q < Math.Min(9, k - t0); q++)
                {
                    sums[t0 + q] = Vector512.Sum(st[q]);
                    sums[Pad + t0 + q] = Vector512.Sum(st[9 + q]);
                }
            }
            for (int q = 0; q < (pair ? 2 : 1); q++)
            {
                float* dst = gw + (long)(o + q) * k;
                float* src = sums + q * Pad;
                for (int t = 0; t < k; t++) dst[t] = accumulate ? dst[t] + src[t] : src[t];
            }
        }

        // Lanes whose column (lane + tap column) is at or past the row's end read as zero.
        static Vector512<float> Load(float* p, Vector512<int> limit, int col) =>
            Avx512F.MaskLoad(p, Vector512.GreaterThan(limit, Vector512.Create(col)).AsSingle(), Vector512<float>.Zero);
    }

    /// <summary>Conv output gradient of one image: gconv[o] = gy[o] at idx, zero elsewhere (for the input gradient).</summary>
    public static void Unpool(int og, int oh, int ow, float* gy, int* idx, float* gconv)
    {
        int cells = (oh / 2) * (ow / 2);
        new Span<float>(gconv, og * oh * ow).Clear();
        for (int o = 0; o < og; o++)
        {
            float* dst = gconv + (long)o * oh * ow;
            for (int p = 0; p < cells; p++) dst[idx[(long)o * cells + p]] = gy[(long)o * cells + p];
        }
    }
}
