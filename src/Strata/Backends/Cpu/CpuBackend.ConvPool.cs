using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

// Fused few-tap convolution + 2x2 max pooling (ConvPoolKernels). Images are the parallel tasks; the weight gradient
// sums a fixed number of image chunks in order, so results are the same for every thread count.
public sealed unsafe partial class CpuBackend
{
    private const int ConvPoolWeightChunks = 8;

    [ThreadStatic] private static GemmScratch? _convPoolRows;

    public bool SupportsConv2dMaxPool2x2(in TensorDesc x, in TensorDesc w, in Conv2dParams p)
    {
        if (x.DType != DType.Float32 || w.DType != DType.Float32 || x.Shape.Length != 4 || w.Shape.Length != 4 || p.Groups != 1) return false;
        int k = w.Shape[1] * w.Shape[2] * w.Shape[3];
        int oh = x.Shape[2] - w.Shape[2] + 1, ow = x.Shape[3] - w.Shape[3] + 1;
        if (oh < 2 || ow < 2 || !Avx512F.IsSupported) return false;
        return IsDirectFew(x, w, p) || PooledJob(x, w, p).SupportsMaxPool2x2;
    }

    // Few-tap convolutions take the direct kernel (ConvPoolKernels); others im2col + GEMM tiles pooled in cache.
    private static bool IsDirectFew(in TensorDesc x, in TensorDesc w, in Conv2dParams p)
    {
        int k = w.Shape[1] * w.Shape[2] * w.Shape[3], ow = x.Shape[3] - w.Shape[3] + 1;
        return DirectConvKernels.Supported(k, ow, p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, x.Strides[3]);
    }

    // A conv job with no output buffer (the pooled forward never writes the conv output), cropped to the conv rows and
    // columns the 2x2 pool reads: an odd last row or column never reaches the pooled output, so its products, and its
    // (zero) share of both gradients, are skipped. On the seed CNN's 11x11 conv2 that is 21 of 121 positions.
    private ConvJob<float> PooledJob(in TensorDesc x, in TensorDesc w, in Conv2dParams p)
    {
        int ow = x.Shape[3] - w.Shape[3] + 1;
        int[] convShape = { x.Shape[0], w.Shape[0], (x.Shape[2] - w.Shape[2] + 1) & ~1, ow & ~1 };
        return new ConvJob<float>(this, x, w, new TensorDesc(null!, DType.Float32, convShape, Shape.ContiguousStrides(convShape), 0), p, ow);
    }

    public void Conv2dMaxPool2x2(in TensorDesc x, in TensorDesc w, in TensorDesc bias, in TensorDesc y, in TensorDesc indices, in Conv2dParams p)
    {
        int n = x.Shape[0], c = x.Shape[1], kh = w.Shape[2], kw = w.Shape[3], o = w.Shape[0];
        int oh = x.Shape[2] - kh + 1, ow = x.Shape[3] - kw + 1;
        long sN = x.Strides[0], sC = x.Strides[1], sH = x.Strides[2];
        long cells = (long)o * (oh / 2) * (ow / 2);
        float* xp = Ptr<float>(x), wp = Ptr<float>(w), yp = Ptr<float>(y), bp = bias.Buffer == null ? null : Ptr<float>(bias);
        int* ip = Ptr<int>(indices);
        if (!IsDirectFew(x, w, p))
        {
            PooledJob(x, w, p).ForwardMaxPool2x2(bias, yp, ip);
            return;
        }
        int scratch = ConvPoolKernels.ForwardScratch(ow);
        CpuThreadPool.For(n, img =>
        {
            // Per-thread scratch rather than a pooled buffer per image: with rents from whichever threads happen to
            // take images, a warm step could still find the pool short and allocate (seen in the steady-state tests).
            float* rows = (float*)(_convPoolRows ??= new GemmScratch()).Get((nuint)scratch * sizeof(float));
            ConvPoolKernels.Forward(c, kh, kw, oh, ow, xp + img * sN, sC, sH, wp, o, bp, yp + img * cells, ip + img * cells, rows);
        });
    }

    public void Conv2dMaxPool2x2BackwardWeight(in TensorDesc x, in TensorDesc gy, in TensorDesc indices, in TensorDesc gw, in Conv2dParams p)
    {
        int n = x.Shape[0], c = x.Shape[1], kh = gw.Shape[2], kw = gw.Shape[3], o = gw.Shape[0];
        int oh = x.Shape[2] - kh + 1, ow = x.Shape[3] - kw + 1;
        long sN = x.Strides[0], sC = x.Strides[1], sH = x.Strides[2];
        long cells = (long)o * (oh / 2) * (ow / 2);
        int size = o * c * kh * kw;
        float* xp = Ptr<float>(x), gyp = Ptr<float>(gy), gwp = Ptr<float>(gw);
        int* ip = Ptr<int>(indices);
        if (!IsDirectFew(x, gw, p))
        {
            // Many taps: the lowered-input weight gradient, each task placing the pooled gradient into its own tile.
            // (SupportsConv2dMaxPool2x2 admits no other geometry.)
            var job = PooledJob(x, gw, p);
            if (!job.CanReadPooledGradient)
                throw new InvalidOperationException("conv2d_max_pool2d: no fused weight gradient for this geometry; check SupportsConv2dMaxPool2x2 first.");
            job.UsePooledOutputGradient(Ptr<float>(gy), Ptr<int>(indices));
            job.BackwardWeight();
            return;
        }
        int chunks = Math.Clamp(n, 1, ConvPoolWeightChunks);
        var partial = Allocate(DType.Float32, Math.Max(1, size * (chunks - 1)));
        int width = x.Shape[3];
        try
        {
            float* parts = (float*)HostMemory.PointerOf(partial);
            CpuThreadPool.For(chunks, chunk =>
            {
                int n0 = (int)((long)chunk * n / chunks), n1 = (int)((long)(chunk + 1) * n / chunks);
                float* target = chunk == 0 ? gwp : parts + (long)(chunk - 1) * size;
                ConvPoolKernels.WeightGrad(n1 - n0, c, kh, kw, oh, ow, width, xp + n0 * sN, sN, sC, sH, gyp + n0 * cells, ip + n0 * cells, cells,
                    o, target, accumulate: false);
            });
            var dst = new Span<float>(gwp, size);
            for (int chunk = 1; chunk < chunks; chunk++)
                TensorPrimitives.Add(dst, new ReadOnlySpan<float>(parts + (long)(chunk - 1) * size, size), dst);
        }
        finally { partial.Release(); }
    }

    public void Conv2dMaxPool2x2BackwardInput(in TensorDesc gy, in TensorDesc indices, in TensorDesc w, in TensorDesc gx, in Conv2dParams p)
    {
        var job = PooledJob(gx, w, p);
        if (job.CanReadPooledGradient)
        {
            job.UsePooledOutputGradient(Ptr<float>(gy), Ptr<int>(indices));
            job.BackwardInput();
            return;
        }
        var (buf, gconv) = Unpooled(gy, indices, gx.Shape[0], w.Shape[0], gx.Shape[2] - w.Shape[2] + 1, gx.Shape[3] - w.Shape[3] + 1);
        try { Conv2dBackwardInput(gconv, w, gx, p); }
        finally { buf.Release(); }
    }

    // Geometries lowered in column tiles (large images) read a conv-shaped gradient: the pooled one is placed first.
    private (DeviceBuffer, TensorDesc) Unpooled(in TensorDesc gy, in TensorDesc indices, int n, int o, int oh, int ow)
    {
        int[] convShape = { n, o, oh, ow };
        var gconv = Allocate(DType.Float32, n * o * oh * ow);
        var desc = new TensorDesc(gconv, DType.Float32, convShape, Shape.ContiguousStrides(convShape), 0);
        MaxPool2x2Unpool(gy, indices, desc);
        return (gconv, desc);
    }

    public void MaxPool2x2Unpool(in TensorDesc gy, in TensorDesc indices, in TensorDesc gconv)
    {
        int n = gconv.Shape[0], o = gconv.Shape[1], oh = gconv.Shape[2], ow = gconv.Shape[3];
        long cells = (long)o * (oh / 2) * (ow / 2), plane = (long)o * oh * ow;
        float* gyp = Ptr<float>(gy), gp = Ptr<float>(gconv);
        int* ip = Ptr<int>(indices);
        CpuThreadPool.For(n, img => ConvPoolKernels.Unpool(o, oh, ow, gyp + img * cells, ip + img * cells, gp + img * plane));
    }
}
