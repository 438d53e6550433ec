using Strata.Autograd;
using Strata.Backends;

namespace Strata;

public static partial class Functional
{
    /// <summary>
    /// max_pool2d(conv2d(x, weight, bias), 2) in one fused pass when the backend has a kernel for this geometry (on the
    /// CPU: a stride-1, unpadded float32 convolution, few-tap ones such as a grayscale CNN's first layer by a direct
    /// kernel, others by im2col + GEMM tiles pooled while in cache); null otherwise, and the caller runs the two ops. Output, gradients and errors are those of the two ops; the conv output is never stored.
    /// </summary>
    internal static Tensor? TryConv2dMaxPool2x2(Tensor x, Tensor weight, Tensor? bias)
    {
        const string op = "conv2d_max_pool2d";
        if (x.Rank != 4 || weight.Rank != 4 || x.DType != DType.Float32 || weight.DType != DType.Float32
            || (bias != null && bias.DType != DType.Float32) || x.Device != weight.Device || (bias != null && bias.Device != x.Device))
            return null;
        var p = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
        int oh = x._shape[2] - weight._shape[2] + 1, ow = x._shape[3] - weight._shape[3] + 1;
        if (oh < 2 || ow < 2 || weight._shape[1] != x._shape[1] || (bias != null && (bias.Rank != 1 || bias._shape[0] != weight._shape[0])))
            return null;
        if (!x.Backend.SupportsConv2dMaxPool2x2(x.Desc, weight.Desc, p)) return null;

        int[] outShape = { x._shape[0], weight._shape[0], oh / 2, ow / 2 };
        var y = Tensor.Empty(op, outShape, x.DType, x.Device);
        var indices = Tensor.Empty(op, outShape, DType.Int32, x.Device);
        using (var wc = new ConvOperand(weight))
        using (var bc = bias == null ? default : new ConvOperand(bias))
            y.Backend.Conv2dMaxPool2x2(x.Desc, wc.Desc, bias == null ? default : bc.Desc, y.Desc, indices.Desc, p);

        var inputs = bias == null ? new[] { x, weight } : new[] { x, weight, bias };
        if (!Engine.ShouldRecord(inputs))
        {
            indices.Dispose();
            return y;
        }
        // The indices belong to the current scope, like every saved activation.
        return Engine.Record(y, op, inputs, (g, node) =>
        {
            using var gc = new ConvOperand(g);
            if (node.Needs(0))
            {
                using var wc = new ConvOperand(weight);
                var gx = Tensor.Empty(op, x._shape, x.DType, x.Device);
                gx.Backend.Conv2dMaxPool2x2BackwardInput(gc.Desc, indices.Desc, wc.Desc, gx.Desc, p);
                node.Grads[0] = gx;
            }
            if (node.Needs(1))
            {
                var gw = Tensor.Empty(op, weight._shape, weight.DType, weight.Device);
                gw.Backend.Conv2dMaxPool2x2BackwardWeight(x.Desc, gc.Desc, indices.Desc, gw.Desc, p);
                node.Grads[1] = gw;
            }
            // Every pooled gradient lands on exactly one conv output, so the bias gradient is the pooled sum.
            if (bias != null && node.Needs(2)) node.Grads[2] = gc.T.Sum(new[] { 0, 2, 3 });
        });
    }
}
