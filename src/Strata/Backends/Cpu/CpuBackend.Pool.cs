using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

// Pooling kernels: one (image, channel) plane per parallel chunk, so planes never share outputs and results do not
// depend on the thread count. x may be strided; gradients, outputs and indices are contiguous.
public sealed unsafe partial class CpuBackend
{
    private const long PoolParallelWork = 1 << 15;

    // Planes per parallel chunk carry at least this much work: one chunk per plane made two threads fight over the
    // pool's claim counter (2,048 pool1 planes of a batch-64 CNN ran 3.5x slower on 2 threads than on 1).
    private const long PoolChunkWork = 1 << 13;

    private static void ForPlanes(int planes, long workPerPlane, Action<int> body)
    {
        if (planes <= 1 || planes * workPerPlane <= PoolParallelWork)
        {
            for (int i = 0; i < planes; i++) body(i);
            return;
        }
        // Planes are independent, so how they are grouped into chunks never changes a result.
        int per = (int)Math.Clamp(PoolChunkWork / Math.Max(1, workPerPlane), 1, planes);
        int chunks = (planes + per - 1) / per;
        CpuThreadPool.For(chunks, chunk =>
        {
            int end = Math.Min(planes, (chunk + 1) * per);
            for (int i = chunk * per; i < end; i++) body(i);
        });
    }

    public void MaxPool2d(in TensorDesc x, in TensorDesc y, in TensorDesc indices, in Pool2dParams p)
    {
        switch (x.DType)
        {
            case DType.Float32: MaxPoolT<float>(x, y, indices, p); break;
            case DType.Float64: MaxPoolT<double>(x, y, indices, p); break;
            default: throw new NotSupportedException($"max_pool2d: dtype {x.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    private static void MaxPoolT<T>(TensorDesc x, TensorDesc y, TensorDesc indices, Pool2dParams p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int C = x.Shape[1], H = x.Shape[2], W = x.Shape[3], OH = y.Shape[2], OW = y.Shape[3];
        long sN = x.Strides[0], sC = x.Strides[1], sH = x.Strides[2], sW = x.Strides[3];
        T* xp = Ptr<T>(x), yp = Ptr<T>(y);
        long* ip = Ptr<long>(indices);
        if (p is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilationH: 1, DilationW: 1 } && 2 * OH <= H && 2 * OW <= W)
        {
            ForPlanes(x.Shape[0] * C, (long)OH * OW * 4, plane =>
            {
                int n = plane / C, c = plane % C;
                MaxPool2x2Plane(xp + n * sN + c * sC, sH, sW, W, OH, OW, yp + (long)plane * OH * OW, ip + (long)plane * OH * OW);
            });
            return;
        }
        ForPlanes(x.Shape[0] * C, (long)OH * OW * p.KernelH * p.KernelW, plane =>
        {
            int n = plane / C, c = plane % C;
            T* xc = xp + n * sN + c * sC;
            T* yc = yp + (long)plane * OH * OW;
            long* ic = ip + (long)plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++)
                {
                    T best = T.NegativeInfinity;
                    long arg = -1;
                    for (int i = 0; i < p.KernelH; i++)
                    {
                        int ih = oh * p.StrideH - p.PadH + i * p.DilationH;
                        if ((uint)ih >= (uint)H) continue;
                        for (int k = 0; k < p.KernelW; k++)
                        {
                            int iw = ow * p.StrideW - p.PadW + k * p.DilationW;
                            if ((uint)iw >= (uint)W) continue;
                            T v = xc[ih * sH + iw * sW];
                            // NaN propagates, as in PyTorch; the first maximum wins ties.
                            if (arg < 0 || v > best || T.IsNaN(v))
                            {
                                best = v;
                                arg = (long)ih * W + iw;
                                if (T.IsNaN(v)) goto done;
                            }
                        }
                    }
                done:
                    yc[oh * OW + ow] = best;
                    ic[oh * OW + ow] = arg;
                }
        });
    }

    // The 2x2, stride-2 window of CNNs, every window inside the plane: the general loop's semantics (the first
    // maximum wins ties, the first NaN wins and stops the window) without its per-tap bounds checks.
    private static void MaxPool2x2Plane<T>(T* xc, long sH, long sW, int W, int OH, int OW, T* yc, long* ic) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool vector = typeof(T) == typeof(float) && sW == 1 && OW >= 4 && Sse.IsSupported;
        for (int oh = 0; oh < OH; oh++)
        {
            T* r0 = xc + 2 * oh * sH;
            long i0 = 2L * oh * W;
            T* yr = yc + oh * OW;
            long* ir = ic + oh * OW;
            if (vector)
            {
                MaxPool2x2RowSse((float*)r0, sH, W, OW, i0, (float*)yr, ir);
                continue;
            }
            for (int ow = 0; ow < OW; ow++)
            {
                T* a = r0 + 2 * ow * sW;
                T best = a[0];
                int arg = 0;
                // Once the window holds a NaN nothing replaces it; !(v <= best) also takes a NaN v.
                T v = a[sW];
                if (!T.IsNaN(best) && !(v <= best)) { best = v; arg = 1; }
                v = a[sH];
                if (!T.IsNaN(best) && !(v <= best)) { best = v; arg = 2; }
                v = a[sH + sW];
                if (!T.IsNaN(best) && !(v <= best)) { best = v; arg = 3; }
                yr[ow] = best;
                ir[ow] = i0 + 2 * ow + (arg & 1) + (arg >> 1) * W;
            }
        }
    }

    // Four windows at a time: the same compare sequence as the scalar loop, lane-wise with selects, because random
    // data makes the scalar branches mispredict on most windows. The last group overlaps the previous one when OW is
    // not a multiple of four (it rewrites the same values), so no scalar tail is needed.
    private static void MaxPool2x2RowSse(float* r0, long sH, int W, int OW, long i0, float* yr, long* ir)
    {
        float* r1 = r0 + sH;
        var off1 = Vector128.Create(1);
        var offW = Vector128.Create(W);
        var offW1 = Vector128.Create(W + 1);
        var lanes = Vector128.Create(0L, 2L);
        for (int ow = 0; ; ow += 4)
        {
            if (ow > OW - 4) ow = OW - 4;
            var a = Sse.LoadVector128(r0 + 2 * ow);
            var b = Sse.LoadVector128(r0 + 2 * ow + 4);
            var c = Sse.LoadVector128(r1 + 2 * ow);
            var d = Sse.LoadVector128(r1 + 2 * ow + 4);
            var best = Sse.Shuffle(a, b, 0b10_00_10_00);
            var off = Vector128<int>.Zero;
            Take(ref best, ref off, Sse.Shuffle(a, b, 0b11_01_11_01), off1);
            Take(ref best, ref off, Sse.Shuffle(c, d, 0b10_00_10_00), offW);
            Take(ref best, ref off, Sse.Shuffle(c, d, 0b11_01_11_01), offW1);
            best.Store(yr + ow);
            var start = Vector128.Create(i0 + 2 * ow) + lanes;
            (start + Vector128.WidenLower(off)).Store(ir + ow);
            (start + Vector128.Create(4L) + Vector128.WidenUpper(off)).Store(ir + ow + 2);
            if (ow + 4 >= OW) break;
        }

        static void Take(ref Vector128<float> best, ref Vector128<int> off, Vector128<float> v, Vector128<int> voff)
        {
            // best == best keeps a NaN once taken; !(v <= best) is true for a larger or NaN v.
            var take = Vector128.AndNot(Vector128.Equals(best, best), Vector128.LessThanOrEqual(v, best));
            best = Vector128.ConditionalSelect(take, v, best);
            off = Vector128.ConditionalSelect(take.AsInt32(), voff, off);
        }
    }

    public void MaxPool2dBackward(in TensorDesc gy, in TensorDesc indices, in TensorDesc gx)
    {
        switch (gx.DType)
        {
            case DType.Float32: MaxPoolBackT<float>(gy, indices, gx); break;
            case DType.Float64: MaxPoolBackT<double>(gy, indices, gx); break;
            default: throw new NotSupportedException($"max_pool2d: dtype {gx.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    private static void MaxPoolBackT<T>(TensorDesc gy, TensorDesc indices, TensorDesc gx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int HW = gx.Shape[2] * gx.Shape[3], OHW = gy.Shape[2] * gy.Shape[3];
        T* gyp = Ptr<T>(gy), gxp = Ptr<T>(gx);
        long* ip = Ptr<long>(indices);
        ForPlanes(gx.Shape[0] * gx.Shape[1], OHW + HW, plane =>
        {
            T* gxc = gxp + (long)plane * HW;
            T* gyc = gyp + (long)plane * OHW;
            long* ic = ip + (long)plane * OHW;
            new Span<T>(gxc, HW).Clear();
            for (int j = 0; j < OHW; j++)
                if (ic[j] >= 0) gxc[ic[j]] += gyc[j];
        });
    }

    // PyTorch's average-pool window: the divisor counts padding cells (within input + padding) unless excluded.
    private static (int h0, int h1, int w0, int w1, int div) AvgWindow(int oh, int ow, int H, int W, in Pool2dParams p, bool countIncludePad)
    {
        int h0 = oh * p.StrideH - p.PadH, w0 = ow * p.StrideW - p.PadW;
        int h1 = Math.Min(h0 + p.KernelH, H + p.PadH), w1 = Math.Min(w0 + p.KernelW, W + p.PadW);
        int padded = (h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, H); w1 = Math.Min(w1, W);
        int div = countIncludePad ? padded : (h1 - h0) * (w1 - w0);
        return (h0, h1, w0, w1, div);
    }

    public void AvgPool2d(in TensorDesc x, in TensorDesc y, in Pool2dParams p, bool countIncludePad)
    {
        switch (x.DType)
        {
            case DType.Float32: AvgPoolT<float>(x, y, p, countIncludePad); break;
            case DType.Float64: AvgPoolT<double>(x, y, p, countIncludePad); break;
            default: throw new NotSupportedException($"avg_pool2d: dtype {x.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    private static void AvgPoolT<T>(TensorDesc x, TensorDesc y, Pool2dParams p, bool countIncludePad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int C = x.Shape[1], H = x.Shape[2], W = x.Shape[3], OH = y.Shape[2], OW = y.Shape[3];
        long sN = x.Strides[0], sC = x.Strides[1], sH = x.Strides[2], sW = x.Strides[3];
        T* xp = Ptr<T>(x), yp = Ptr<T>(y);
        ForPlanes(x.Shape[0] * C, (long)OH * OW * p.KernelH * p.KernelW, plane =>
        {
            int n = plane / C, c = plane % C;
            T* xc = xp + n * sN + c * sC;
            T* yc = yp + (long)plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++)
                {
                    var (h0, h1, w0, w1, div) = AvgWindow(oh, ow, H, W, p, countIncludePad);
                    T s = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) s += xc[ih * sH + iw * sW];
                    yc[oh * OW + ow] = div > 0 ? s / T.CreateTruncating(div) : T.Zero;
                }
        });
    }

    public void AvgPool2dBackward(in TensorDesc gy, in TensorDesc gx, in Pool2dParams p, bool countIncludePad)
    {
        switch (gx.DType)
        {
            case DType.Float32: AvgPoolBackT<float>(gy, gx, p, countIncludePad); break;
            case DType.Float64: AvgPoolBackT<double>(gy, gx, p, countIncludePad); break;
            default: throw new NotSupportedException($"avg_pool2d: dtype {gx.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    private static void AvgPoolBackT<T>(TensorDesc gy, TensorDesc gx, Pool2dParams p, bool countIncludePad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int H = gx.Shape[2], W = gx.Shape[3], OH = gy.Shape[2], OW = gy.Shape[3];
        T* gyp = Ptr<T>(gy), gxp = Ptr<T>(gx);
        ForPlanes(gx.Shape[0] * gx.Shape[1], (long)OH * OW * p.KernelH * p.KernelW, plane =>
        {
            T* gxc = gxp + (long)plane * H * W;
            T* gyc = gyp + (long)plane * OH * OW;
            new Span<T>(gxc, H * W).Clear();
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++)
                {
                    var (h0, h1, w0, w1, div) = AvgWindow(oh, ow, H, W, p, countIncludePad);
                    if (div <= 0) continue;
                    T v = gyc[oh * OW + ow] / T.CreateTruncating(div);
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) gxc[ih * W + iw] += v;
                }
        });
    }

    public void AdaptiveAvgPool2d(in TensorDesc x, in TensorDesc y)
    {
        switch (x.DType)
        {
            case DType.Float32: AdaptiveT<float>(x, y); break;
            case DType.Float64: AdaptiveT<double>(x, y); break;
            default: throw new NotSupportedException($"adaptive_avg_pool2d: dtype {x.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    private static int AdaptiveStart(int i, int inSize, int outSize) => (int)((long)i * inSize / outSize);
    private static int AdaptiveEnd(int i, int inSize, int outSize) => (int)(((long)(i + 1) * inSize + outSize - 1) / outSize);

    private static void AdaptiveT<T>(TensorDesc x, TensorDesc y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int C = x.Shape[1], H = x.Shape[2], W = x.Shape[3], OH = y.Shape[2], OW = y.Shape[3];
        long sN = x.Strides[0], sC = x.Strides[1], sH = x.Strides[2], sW = x.Strides[3];
        T* xp = Ptr<T>(x), yp = Ptr<T>(y);
        ForPlanes(x.Shape[0] * C, (long)H * W + OH * OW, plane =>
        {
            int n = plane / C, c = plane % C;
            T* xc = xp + n * sN + c * sC;
            T* yc = yp + (long)plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
            {
                int h0 = AdaptiveStart(oh, H, OH), h1 = AdaptiveEnd(oh, H, OH);
                for (int ow = 0; ow < OW; ow++)
                {
                    int w0 = AdaptiveStart(ow, W, OW), w1 = AdaptiveEnd(ow, W, OW);
                    T s = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) s += xc[ih * sH + iw * sW];
                    yc[oh * OW + ow] = s / T.CreateTruncating((h1 - h0) * (w1 - w0));
                }
            }
        });
    }

    public void AdaptiveAvgPool2dBackward(in TensorDesc gy, in TensorDesc gx)
    {
        switch (gx.DType)
        {
            case DType.Float32: AdaptiveBackT<float>(gy, gx); break;
            case DType.Float64: AdaptiveBackT<double>(gy, gx); break;
            default: throw new NotSupportedException($"adaptive_avg_pool2d: dtype {gx.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    private static void AdaptiveBackT<T>(TensorDesc gy, TensorDesc gx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int H = gx.Shape[2], W = gx.Shape[3], OH = gy.Shape[2], OW = gy.Shape[3];
        T* gyp = Ptr<T>(gy), gxp = Ptr<T>(gx);
        ForPlanes(gx.Shape[0] * gx.Shape[1], (long)H * W + OH * OW, plane =>
        {
            T* gxc = gxp + (long)plane * H * W;
            T* gyc = gyp + (long)plane * OH * OW;
            new Span<T>(gxc, H * W).Clear();
            for (int oh = 0; oh < OH; oh++)
            {
                int h0 = AdaptiveStart(oh, H, OH), h1 = AdaptiveEnd(oh, H, OH);
                for (int ow = 0; ow < OW; ow++)
                {
                    int w0 = AdaptiveStart(ow, W, OW), w1 = AdaptiveEnd(ow, W, OW);
                    T v = gyc[oh * OW + ow] / T.CreateTruncating((h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) gxc[ih * W + iw] += v;
                }
            }
        });
    }
}
