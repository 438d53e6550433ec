using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>
/// Building blocks of the convolution kernels: whole-image im2col/col2im that move rows at a time (the stride-1,
/// dilation-1 case becomes span copies/adds), and the small-K products for convolutions with few taps (conv1 of
/// a CNN: one input channel, 3x3) where a packed GEMM spends more time packing than multiplying.
/// </summary>
internal static unsafe class ConvKernels
{
    /// <summary>Largest reduction length (Cin/groups·kH·kW) handled by the small-K kernels.</summary>
    public const int SmallK = 16;

    /// <summary>
    /// col[r, j] (row stride ld) for all OH·OW output positions j of one image plane set; r = (c, i, k) over cg
    /// channels of x (channel stride xsC, row stride xsH, column stride xsW) and the kernel taps.
    /// </summary>
    public static void Im2ColImage<T>(T* x, long xsC, long xsH, long xsW, int cg, int H, int W, int KH, int KW,
        int OH, int OW, int SH, int SW, int PH, int PW, int DH, int DW, T* col, long ld) where T : unmanaged, INumberBase<T>
    {
        bool rowCopy = SW == 1 && xsW == 1;
        for (int c = 0; c < cg; c++)
        {
            T* xc = x + c * xsC;
            for (int i = 0; i < KH; i++)
            {
                // Output rows whose input row lies inside the image: [ra, rb).
                int top = i * DH - PH;
                int ra = top >= 0 ? 0 : Math.Min(OH, (-top + SH - 1) / SH);
                int rb = H - 1 - top < 0 ? 0 : Math.Min(OH, (H - 1 - top) / SH + 1);
                if (rb < ra) rb = ra;
                for (int k = 0; k < KW; k++)
                {
                    T* dst = col + ((long)(c * KH + i) * KW + k) * ld;
                    // Output columns whose input column lies inside the image: [lo, hi).
                    int off = k * DW - PW;
                    int lo = off >= 0 ? 0 : Math.Min(OW, (-off + SW - 1) / SW);
                    int hi = W - 1 - off < 0 ? 0 : Math.Min(OW, (W - 1 - off) / SW + 1);
                    if (hi < lo) hi = lo;
                    if (ra > 0) new Span<T>(dst, ra * OW).Clear();
                    if (rb < OH) new Span<T>(dst + rb * OW, (OH - rb) * OW).Clear();
                    T* src = xc + (long)(ra * SH + top) * xsH;
                    T* d = dst + ra * OW;
                    long step = SH * xsH;
                    if (rowCopy && lo == 0 && hi == OW)
                    {
                        // Unpadded columns (every valid conv, and the inner taps of padded ones): the hot loop of a
                        // CNN's im2col, a few vector moves per row with nothing else per row.
                        for (int oh = ra; oh < rb; oh++, src += step, d += OW) CopyRow(src + off, d, OW);
                        continue;
                    }
                    for (int oh = ra; oh < rb; oh++, src += step, d += OW)
                    {
                        if (lo > 0) new Span<T>(d, lo).Clear();
                        if (rowCopy)
                            CopyRow(src + lo + off, d + lo, hi - lo);
                        else
                            for (int ow = lo; ow < hi; ow++) d[ow] = src[(ow * SW + off) * xsW];
                        if (hi < OW) new Span<T>(d + hi, OW - hi).Clear();
                    }
                }
            }
        }
    }

    // Rows of small images are a few elements long, where a span copy's call and length dispatch cost more than the
    // copy; whole vectors with an overlapping last one copy any row of at least one vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyRow<T>(T* src, T* dst, int len) where T : unmanaged
    {
        int vl = Vector256<T>.Count;
        if (len < vl)
        {
            for (int j = 0; j < len; j++) dst[j] = src[j];
            return;
        }
        var last = Vector256.Load(src + len - vl);
        for (int j = 0; j < len - vl; j += vl) Vector256.Load(src + j).Store(dst + j);
        last.Store(dst + len - vl);
    }

    /// <summary>The adjoint of <see cref="Im2ColImage"/>: adds col back into a contiguous [cg, H, W] gradient.</summary>
    public static void Col2ImImage<T>(T* gx, int cg, int H, int W, int KH, int KW,
        int OH, int OW, int SH, int SW, int PH, int PW, int DH, int DW, T* col, long ld) where T : unmanaged, INumberBase<T>
    {
        if (typeof(T) == typeof(float) && Avx512F.IsSupported && SH == 1 && SW == 1 && DH == 1 && DW == 1 && W <= 16 && OW <= 16)
        {
            Col2ImNarrow((float*)gx, cg, H, W, KH, KW, OH, OW, PH, PW, (float*)col, ld);
            return;
        }
        for (int c = 0; c < cg; c++)
        {
            T* gc = gx + (long)c * H * W;
            for (int i = 0; i < KH; i++)
                for (int k = 0; k < KW; k++)
                {
                    T* src = col + ((long)(c * KH + i) * KW + k) * ld;
                    int off = k * DW - PW;
                    int lo = off >= 0 ? 0 : Math.Min(OW, (-off + SW - 1) / SW);
                    int hi = W - 1 - off < 0 ? 0 : Math.Min(OW, (W - 1 - off) / SW + 1);
                    for (int oh = 0; oh < OH; oh++, src += OW)
                    {
                        int ih = oh * SH - PH + i * DH;
                        if ((uint)ih >= (uint)H || hi <= lo) continue;
                        T* dst = gc + (long)ih * W;
                        if (SW == 1) AddRow(src + lo, dst + lo + off, hi - lo);
                        else
                            for (int ow = lo; ow < hi; ow++) dst[ow * SW + off] += src[ow];
                    }
                }
        }
    }

    /// <summary>
    /// Col2ImImage for stride-1, undilated convolutions on images at most 16 wide (the seed CNN's conv2: 13x13): each
    /// input-gradient row is summed in one register over every (tap row, tap column) that reaches it, shifted into place
    /// by a masked load, and stored once. The row-at-a-time adds took ~20 cycles per 11-float row (a call, one 8-wide
    /// add, a scalar tail, overlapping read-modify-writes): 1.4 ms of the seed CNN's 2-thread step. Each element still
    /// receives its terms in (tap row, tap column) order, starting from zero, so the sums are the same bits.
    /// </summary>
    private static void Col2ImNarrow(float* gx, int cg, int H, int W, int KH, int KW, int OH, int OW, int PH, int PW, float* col, long ld)
    {
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var rowMask = Vector512.LessThan(lane, Vector512.Create(W)).AsSingle();
        // Column k of the kernel puts output column ow at input column ow + k - PW: lanes [k - PW, k - PW + OW) ∩ [0, W).
        var tapMasks = stackalloc Vector512<float>[KW];
        for (int k = 0; k < KW; k++)
        {
            int off = k - PW;
            tapMasks[k] = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(Math.Max(0, off)))
                & Vector512.LessThan(lane, Vector512.Create(Math.Min(W, off + OW)))).AsSingle();
        }
        for (int c = 0; c < cg; c++)
        {
            float* gc = gx + (long)c * H * W;
            float* colC = col + (long)c * KH * KW * ld;
            for (int ih = 0; ih < H; ih++)
            {
                var acc = Vector512<float>.Zero;
                for (int i = 0; i < KH; i++)
                {
                    int oh = ih + PH - i;
                    if ((uint)oh >= (uint)OH) continue;
                    float* src = colC + (long)i * KW * ld + oh * OW + PW;
                    // Masked-off lanes are never read, so the load may start before the row.
                    for (int k = 0; k < KW; k++, src += ld)
                        acc += Avx512F.MaskLoad(src - k, tapMasks[k], Vector512<float>.Zero);
                }
                Avx512F.MaskStore(gc + ih * W, rowMask, acc);
            }
        }
    }

    internal static void AddRow<T>(T* src, T* dst, int len) where T : unmanaged, INumberBase<T>
    {
        int vl = Vector<T>.Count, j = 0;
        for (; j <= len - vl; j += vl) (Vector.Load(dst + j) + Vector.Load(src + j)).Store(dst + j);
        for (; j < len; j++) dst[j] += src[j];
    }

    /// <summary>
    /// y[o, j] = bias[o] + Σ_r w[o, r]·col[r, j] for K ≤ <see cref="SmallK"/>, vectorised over j and blocked by four
    /// output rows so each loaded column vector feeds four accumulators. w is [M, K] dense; y rows have stride ldy.
    /// </summary>
    public static void SmallKForward<T>(int m, int n, int k, T* w, T* col, long ldc, T* bias, T* y, long ldy)
        where T : unmanaged, INumberBase<T>
    {
        int vl = Vector<T>.Count;
        int nv = n - n % vl;
        int o = 0;
        for (; o + 4 <= m; o += 4)
        {
            T* w0 = w + (long)o * k;
            T b0 = bias == null ? T.Zero : bias[o], b1 = bias == null ? T.Zero : bias[o + 1];
            T b2 = bias == null ? T.Zero : bias[o + 2], b3 = bias == null ? T.Zero : bias[o + 3];
            T* y0 = y + o * ldy;
            for (int j = 0; j < nv; j += vl)
            {
                Vector<T> a0 = new(b0), a1 = new(b1), a2 = new(b2), a3 = new(b3);
                for (int r = 0; r < k; r++)
                {
                    var c = Vector.Load(col + r * ldc + j);
                    a0 += c * w0[r];
                    a1 += c * w0[k + r];
                    a2 += c * w0[2 * k + r];
                    a3 += c * w0[3 * k + r];
                }
                a0.Store(y0 + j);
                a1.Store(y0 + ldy + j);
                a2.Store(y0 + 2 * ldy + j);
                a3.Store(y0 + 3 * ldy + j);
            }
            for (int q = 0; q < 4; q++) SmallKForwardScalar(o + q, nv, n, k, w, col, ldc, bias, y, ldy);
        }
        for (; o < m; o++)
        {
            T* wo = w + (long)o * k;
            T bo = bias == null ? T.Zero : bias[o];
            for (int j = 0; j < nv; j += vl)
            {
                Vector<T> a = new(bo);
                for (int r = 0; r < k; r++) a += Vector.Load(col + r * ldc + j) * wo[r];
                a.Store(y + o * ldy + j);
            }
            SmallKForwardScalar(o, nv, n, k, w, col, ldc, bias, y, ldy);
        }
    }

    private static void SmallKForwardScalar<T>(int o, int j0, int n, int k, T* w, T* col, long ldc, T* bias, T* y, long ldy)
        where T : unmanaged, INumberBase<T>
    {
        T* wo = w + (long)o * k;
        for (int j = j0; j < n; j++)
        {
            T a = bias == null ? T.Zero : bias[o];
            for (int r = 0; r < k; r++) a += col[r * ldc + j] * wo[r];
            y[o * ldy + j] = a;
        }
    }

    /// <summary>
    /// gw[o, r] (+)= Σ_j gy[o, j]·col[r, j] for K ≤ <see cref="SmallK"/>: four output rows at a time share each loaded
    /// column vector, with the accumulators in registers. Lanes are reduced in a fixed order, so results never depend
    /// on the thread count.
    /// </summary>
    public static void SmallKWeightGrad<T>(int m, int n, int k, T* gy, long ldy, T* col, long ldc, T* gw, bool accumulate)
        where T : unmanaged, INumberBase<T>
    {
        int o = 0;
        for (; o + 4 <= m; o += 4)
            for (int r = 0; r < k; r++)
            {
                var (s0, s1, s2, s3) = Dot4(n, gy + o * ldy, ldy, col + r * ldc);
                Store(gw + o * k + r, s0, accumulate);
                Store(gw + (o + 1) * k + r, s1, accumulate);
                Store(gw + (o + 2) * k + r, s2, accumulate);
                Store(gw + (o + 3) * k + r, s3, accumulate);
            }
        for (; o < m; o++)
            for (int r = 0; r < k; r++)
                Store(gw + o * k + r, Dot(n, gy + o * ldy, col + r * ldc), accumulate);
    }

    private static void Store<T>(T* dst, T v, bool accumulate) where T : unmanaged, INumberBase<T> => *dst = accumulate ? *dst + v : v;

    // Four dot products of rows g, g + ldg, g + 2·ldg, g + 3·ldg with c.
    private static (T, T, T, T) Dot4<T>(int n, T* g, long ldg, T* c) where T : unmanaged, INumberBase<T>
    {
        int vl = Vector<T>.Count, j = 0;
        Vector<T> a0 = Vector<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
        T* g1 = g + ldg, g2 = g1 + ldg, g3 = g2 + ldg;
        for (; j <= n - vl; j += vl)
        {
            var cv = Vector.Load(c + j);
            a0 += Vector.Load(g + j) * cv;
            a1 += Vector.Load(g1 + j) * cv;
            a2 += Vector.Load(g2 + j) * cv;
            a3 += Vector.Load(g3 + j) * cv;
        }
        T s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; j < n; j++)
        {
            s0 += g[j] * c[j];
            s1 += g1[j] * c[j];
            s2 += g2[j] * c[j];
            s3 += g3[j] * c[j];
        }
        return (s0, s1, s2, s3);
    }

    private static T Dot<T>(int n, T* g, T* c) where T : unmanaged, INumberBase<T>
    {
        int vl = Vector<T>.Count, j = 0;
        var a = Vector<T>.Zero;
        for (; j <= n - vl; j += vl) a += Vector.Load(g + j) * Vector.Load(c + j);
        T s = Vector.Sum(a);
        for (; j < n; j++) s += g[j] * c[j];
        return s;
    }
}
