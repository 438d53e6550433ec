using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// 2-D pooling over [N, C, H, W] inputs.
public static partial class Functional
{
    private static void CheckPoolInput(string op, Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be 4-D [N, C, H, W], got shape {x.Shape}.");
        if (!x.DType.IsFloating()) throw new ArgumentException($"{op}: needs a floating-point input, got {x.DType.Name()} of shape {x.Shape}.");
    }

    // PyTorch's pooling output size, including its ceil-mode rule that the last window must start inside input + left padding.
    private static int PoolOutSize(string op, Tensor x, int inSize, int k, int stride, int pad, int dil, bool ceilMode)
    {
        int span = inSize + 2 * pad - dil * (k - 1) - 1;
        int o = span < 0 ? 0 : (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && o > 0 && (long)(o - 1) * stride >= inSize + pad) o--;
        if (o <= 0)
            throw new ArgumentException($"{op}: output size would be empty: input {x.Shape} (padded size {inSize + 2 * pad}) is smaller than the kernel {dil * (k - 1) + 1}.");
        return o;
    }

    private static Pool2dParams PoolParams(string op, Tensor x, IntPair kernel, IntPair? stride, IntPair padding, IntPair dilation, bool ceilMode, out int oh, out int ow)
    {
        CheckPoolInput(op, x);
        var s = stride ?? kernel;
        CheckPairArg(op, "kernel size", kernel);
        CheckPairArg(op, "stride", s);
        CheckPairArg(op, "padding", padding, allowZero: true);
        CheckPairArg(op, "dilation", dilation);
        if (padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
            throw new ArgumentException($"{op}: padding {padding} must be at most half the kernel size {kernel}.");
        oh = PoolOutSize(op, x, x._shape[2], kernel.H, s.H, padding.H, dilation.H, ceilMode);
        ow = PoolOutSize(op, x, x._shape[3], kernel.W, s.W, padding.W, dilation.W, ceilMode);
        return new Pool2dParams(kernel.H, kernel.W, s.H, s.W, padding.H, padding.W, dilation.H, dilation.W);
    }

    /// <summary>
    /// 2-D max pooling of x [N,C,H,W] (stride defaults to the kernel size; padding cells never win), as
    /// <c>torch.nn.functional.max_pool2d</c>. The argmax positions are kept for the backward pass.
    /// </summary>
    public static Tensor MaxPool2d(Tensor x, IntPair kernel, IntPair? stride = null, IntPair padding = default, IntPair? dilation = null, bool ceilMode = false)
    {
        const string op = "max_pool2d";
        var p = PoolParams(op, x, kernel, stride, padding, dilation ?? 1, ceilMode, out int oh, out int ow);
        int[] outShape = { x._shape[0], x._shape[1], oh, ow };
        var y = Tensor.Empty(op, outShape, x.DType, x.Device);
        var indices = Tensor.Empty(op, outShape, DType.Int64, x.Device);
        y.Backend.MaxPool2d(x.Desc, y.Desc, indices.Desc, p);
        if (Engine.ShouldRecord(x))
        {
            // The indices belong to the current scope like every saved activation (keeping them out of it leaked
            // one buffer per step until the finalizer ran).
            Engine.Record(y, op, new[] { x }, (g, node) =>
            {
                using var gc = new ConvOperand(g);
                var gx = Tensor.Empty(op, x._shape, x.DType, x.Device);
                gx.Backend.MaxPool2dBackward(gc.Desc, indices.Desc, gx.Desc);
                node.Grads[0] = gx;
            });
        }
        else indices.Dispose();
        return y;
    }

    /// <summary>
    /// 2-D average pooling of x [N,C,H,W] (stride defaults to the kernel size), as <c>torch.nn.functional.avg_pool2d</c>:
    /// padding cells count in the divisor when <paramref name="countIncludePad"/>.
    /// </summary>
    public static Tensor AvgPool2d(Tensor x, IntPair kernel, IntPair? stride = null, IntPair padding = default, bool countIncludePad = true, bool ceilMode = false)
    {
        const string op = "avg_pool2d";
        var p = PoolParams(op, x, kernel, stride, padding, 1, ceilMode, out int oh, out int ow);
        var y = Tensor.Empty(op, new[] { x._shape[0], x._shape[1], oh, ow }, x.DType, x.Device);
        y.Backend.AvgPool2d(x.Desc, y.Desc, p, countIncludePad);
        if (Engine.ShouldRecord(x))
        {
            Engine.Record(y, op, new[] { x }, (g, node) =>
            {
                using var gc = new ConvOperand(g);
                var gx = Tensor.Empty(op, x._shape, x.DType, x.Device);
                gx.Backend.AvgPool2dBackward(gc.Desc, gx.Desc, p, countIncludePad);
                node.Grads[0] = gx;
            });
        }
        return y;
    }

    /// <summary>
    /// Adaptive 2-D average pooling to [N, C, outH, outW]: output cell i averages rows [floor(i·H/outH), ceil((i+1)·H/outH))
    /// (likewise for columns), as <c>torch.nn.functional.adaptive_avg_pool2d</c>.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, IntPair outputSize)
    {
        const string op = "adaptive_avg_pool2d";
        CheckPoolInput(op, x);
        CheckPairArg(op, "output size", outputSize);
        if (x._shape[2] == 0 || x._shape[3] == 0)
            throw new ArgumentException($"{op}: input {x.Shape} has an empty spatial dimension.");
        var y = Tensor.Empty(op, new[] { x._shape[0], x._shape[1], outputSize.H, outputSize.W }, x.DType, x.Device);
        y.Backend.AdaptiveAvgPool2d(x.Desc, y.Desc);
        if (Engine.ShouldRecord(x))
        {
            Engine.Record(y, op, new[] { x }, (g, node) =>
            {
                using var gc = new ConvOperand(g);
                var gx = Tensor.Empty(op, x._shape, x.DType, x.Device);
                gx.Backend.AdaptiveAvgPool2dBackward(gc.Desc, gx.Desc);
                node.Grads[0] = gx;
            });
        }
        return y;
    }
}
