using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>
/// Direct float32 convolution for few taps (K = C·kH·kW ≤ <see cref="ConvKernels.SmallK"/>, a CNN's first layer):
/// stride 1, no padding or dilation, unit column stride, output rows at least 16 wide. Each output row is computed
/// as 16-lane vectors from shifted loads of the input rows, so there is no im2col buffer: the input plane stays in
/// L1 and the output is written once. On the seed CNN's conv1 (1→32 channels, 3x3, 28x28) im2col plus the small-K
/// product cost about 0.5 ms per batch of 64 on one thread.
/// </summary>
internal static unsafe class DirectConvKernels
{
    private const int Lanes = 16;

    public static bool Supported(int k, int ow, int sh, int sw, int ph, int pw, int dh, int dw, long xsW) =>
        Avx512F.IsSupported && k <= ConvKernels.SmallK && ow >= Lanes && sh == 1 && sw == 1 && ph == 0 && pw == 0
        && dh == 1 && dw == 1 && xsW == 1;

    /// <summary>
    /// y[o, oh, ow] = bias[o] + Σ w[o, c, i, j]·x[c, oh + i, ow + j] for og output channels of one image; w is
    /// [og, cg·kh·kw] dense, y planes are dense [oh, ow] with plane stride ohw.
    /// </summary>
    public static void Forward(int cg, int kh, int kw, int oh, int ow, float* x, long xsC, long xsH, float* w, int og, float* bias,
        float* y, long ohw)
    {
        int k = cg * kh * kw;
        int o = 0;
        for (; o + 4 <= og; o += 4)
        {
            int r = 0;
            for (; r + 2 <= oh; r += 2)
                Row4x2(cg, kh, kw, ow, x, xsC, xsH, w + (long)o * k, k, bias == null ? null : bias + o, r, y + o * ohw + r * ow,
                    y + o * ohw + (r + 1) * ow, ohw);
            if (r < oh) Row4(cg, kh, kw, ow, x, xsC, xsH, w + (long)o * k, k, bias == null ? null : bias + o, r, y + o * ohw + r * ow, ohw);
        }
        for (; o < og; o++)
            for (int r = 0; r < oh; r++)
                Row1(cg, kh, kw, ow, x, xsC, xsH, w + (long)o * k, bias == null ? 0f : bias[o], r, y + o * ohw + r * ow);
    }

    /// <summary>
    /// Output row r of four channels (their rows chStride apart in dst). Four channels share every input vector load;
    /// the last vector of a row starts at ow - 16 and may overlap the previous one: it rewrites the same values, so no
    /// masking is needed. The fused conv + pool kernel computes its rows with this same code, so both give the same bits.
    /// </summary>
    internal static void Row4(int cg, int kh, int kw, int ow, float* x, long xsC, long xsH, float* w, int k, float* bias, int r,
        float* dst, long chStride)
    {
        var b0 = Vector512.Create(bias == null ? 0f : bias[0]);
        var b1 = Vector512.Create(bias == null ? 0f : bias[1]);
        var b2 = Vector512.Create(bias == null ? 0f : bias[2]);
        var b3 = Vector512.Create(bias == null ? 0f : bias[3]);
        int last = ow - Lanes;
        for (int j0 = 0; ; j0 += Lanes)
        {
            if (j0 > last) j0 = last;
            Vector512<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3;
            int t = 0;
            for (int c = 0; c < cg; c++)
                for (int i = 0; i < kh; i++)
                {
                    float* xr = x + c * xsC + (r + i) * xsH + j0;
                    for (int j = 0; j < kw; j++, t++)
                    {
                        var v = Vector512.Load(xr + j);
                        a0 = Avx512F.FusedMultiplyAdd(v, Vector512.Create(w[t]), a0);
                        a1 = Avx512F.FusedMultiplyAdd(v, Vector512.Create(w[k + t]), a1);
                        a2 = Avx512F.FusedMultiplyAdd(v, Vector512.Create(w[2 * k + t]), a2);
                        a3 = Avx512F.FusedMultiplyAdd(v, Vector512.Create(w[3 * k + t]), a3);
                    }
                }
            a0.Store(dst + j0);
            a1.Store(dst + chStride + j0);
            a2.Store(dst + 2 * chStride + j0);
            a3.Store(dst + 3 * chStride + j0);
            if (j0 == last) break;
        }
    }

    /// <summary>
    /// Output rows r and r + 1 of four channels (row r at dst0, row r + 1 at dst1, channels chStride apart), each value in
    /// <see cref="Row4"/>'s FMA order, so the bits are the same. Row4 alone keeps four FMA chains in flight, and the
    /// 4-cycle FMA latency caps it at half the FMA rate; two rows give eight chains and share every weight broadcast.
    /// </summary>
    internal static void Row4x2(int cg, int kh, int kw, int ow, float* x, long xsC, long xsH, float* w, int k, float* bias, int r,
        float* dst0, float* dst1, long chStride)
    {
        var b0 = Vector512.Create(bias == null ? 0f : bias[0]);
        var b1 = Vector512.Create(bias == null ? 0f : bias[1]);
        var b2 = Vector512.Create(bias == null ? 0f : bias[2]);
        var b3 = Vector512.Create(bias == null ? 0f : bias[3]);
        int last = ow - Lanes;
        for (int j0 = 0; ; j0 += Lanes)
        {
            if (j0 > last) j0 = last;
            Vector512<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3, e0 = b0, e1 = b1, e2 = b2, e3 = b3;
            int t = 0;
            for (int c = 0; c < cg; c++)
                for (int i = 0; i < kh; i++)
                {
                    float* xr = x + c * xsC + (r + i) * xsH + j0;
                    for (int j = 0; j < kw; j++, t++)
                    {
                        var v = Vector512.Load(xr + j);
                        var u = Vector512.Load(xr + xsH + j);
                        var w0 = Vector512.Create(w[t]);
                        var w1 = Vector512.Create(w[k + t]);
                        var w2 = Vector512.Create(w[2 * k + t]);
                        var w3 = Vector512.Create(w[3 * k + t]);
                        a0 = Avx512F.FusedMultiplyAdd(v, w0, a0); e0 = Avx512F.FusedMultiplyAdd(u, w0, e0);
                        a1 = Avx512F.FusedMultiplyAdd(v, w1, a1); e1 = Avx512F.FusedMultiplyAdd(u, w1, e1);
                        a2 = Avx512F.FusedMultiplyAdd(v, w2, a2); e2 = Avx512F.FusedMultiplyAdd(u, w2, e2);
                        a3 = Avx512F.FusedMultiplyAdd(v, w3, a3); e3 = Avx512F.FusedMultiplyAdd(u, w3, e3);
                    }
                }
            a0.Store(dst0 + j0); e0.Store(dst1 + j0);
            a1.Store(dst0 + chStride + j0); e1.Store(dst1 + chStride + j0);
            a2.Store(dst0 + 2 * chStride + j0); e2.Store(dst1 + 2 * chStride + j0);
            a3.Store(dst0 + 3 * chStride + j0); e3.Store(dst1 + 3 * chStride + j0);
            if (j0 == last) break;
        }
    }

    /// <summary>Output row r of one channel, in the FMA order of <see cref="Row4"/>.</summary>
    internal static void Row1(int cg, int kh, int kw, int ow, float* x, long xsC, long xsH, float* w, float bias, int r, float* dst)
    {
        var b = Vector512.Create(bias);
        int last = ow - Lanes;
        for (int j0 = 0; ; j0 += Lanes)
        {
            if (j0 > last) j0 = last;
            var a = b;
            int t = 0;
            for (int c = 0; c < cg; c++)
                for (int i = 0; i < kh; i++)
                {
                    float* xr = x + c * xsC + (r + i) * xsH + j0;
                    for (int j = 0; j < kw; j++, t++) a = Avx512F.FusedMultiplyAdd(Vector512.Load(xr + j), Vector512.Create(w[t]), a);
                }
            a.Store(dst + j0);
            if (j0 == last) break;
        }
    }
}
