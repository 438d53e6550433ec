using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// y = x·Wᵀ + b as one op with one backward node. Composed from matmul, transpose and add, a step records four
// nodes, and the weight gradient is computed transposed and then copied back into W's layout; here every
// product reads its operands through strides (Wᵀ, gᵀ are never materialised) and dW is written in W's layout.
public sealed partial class Tensor
{
    internal static Tensor LinearOp(Tensor x, Tensor weight, Tensor? bias)
    {
        const string op = "linear";
        CheckSameDevice(op, x, weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"{op}: weight must be 2-D [outFeatures, inFeatures], got shape {weight.Shape}.");
        if (!weight.DType.IsFloating())
            throw new ArgumentException($"{op}: needs floating-point operands, got weight of dtype {weight.DType.Name()}.");
        if (x.DType != weight.DType)
            throw new ArgumentException($"{op}: input dtype {x.DType.Name()} (shape {x.Shape}) differs from weight dtype {weight.DType.Name()} (shape {weight.Shape}); convert one with To().");
        int outF = weight._shape[0], inF = weight._shape[1];
        if (x.Rank < 1 || x._shape[^1] != inF)
            throw new ArgumentException($"{op}: input of shape {x.Shape} does not end in weight's {inF} input features (weight shape {weight.Shape}).");
        if (bias is not null)
        {
            CheckSameDevice(op, x, bias);
            if (bias.Rank != 1 || bias._shape[0] != outF)
                throw new ArgumentException($"{op}: bias must have shape [{outF}] to match weight {weight.Shape}, got {bias.Shape}.");
            if (bias.DType != weight.DType)
                throw new ArgumentException($"{op}: bias dtype {bias.DType.Name()} differs from weight dtype {weight.DType.Name()}.");
        }

        var yShape = x._shape.ToArray();
        yShape[^1] = outF;
        var y = Empty(op, yShape, x.DType, x.Device);
        var xm = MatrixDesc(x, out var xTmp);
        int rows = xm.Shape[1];
        var wT = new TensorDesc(weight.Buffer, weight.DType, new[] { 1, inF, outF }, new[] { 0, weight._strides[1], weight._strides[0] }, weight._offset);
        var yDesc = new TensorDesc(y.Buffer, y.DType, new[] { 1, rows, outF }, new[] { 0, outF, 1 }, 0);
        if (bias is not null && bias._strides[0] == 1)
            y.Backend.MatmulBias(xm, wT, bias.Desc, yDesc);
        else
        {
            y.Backend.Matmul(xm, wT, yDesc);
            if (bias is not null)
                using (GradMode.NoGrad()) y.AddInPlace(bias);
        }

        bool record = Engine.ShouldRecord(x, weight) || (bias is not null && Engine.ShouldRecord(bias));
        if (!record)
        {
            xTmp?.Dispose();
            return y;
        }
        // A non-contiguous input of rank > 2 was copied for the product; the weight gradient reads the same copy.
        var saved = xTmp;
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        return Engine.Record(y, op, inputs, (g, node) =>
        {
            var gm = MatrixDesc(g, out var gTmp);
            var xs = saved is null ? MatrixDesc(x, out _) : MatrixDesc(saved, out _);
            if (node.Needs(0))
            {
                var dx = Empty(op, x._shape, x.DType, x.Device);
                var w = new TensorDesc(weight.Buffer, weight.DType, new[] { 1, outF, inF }, new[] { 0, weight._strides[0], weight._strides[1] }, weight._offset);
                dx.Backend.Matmul(gm, w, new TensorDesc(dx.Buffer, dx.DType, new[] { 1, rows, inF }, new[] { 0, inF, 1 }, 0));
                node.Grads[0] = dx;
            }
            if (node.Needs(1))
            {
                var dw = Empty(op, weight._shape, weight.DType, weight.Device);
                var gT = new TensorDesc(gm.Buffer, gm.DType, new[] { 1, outF, rows }, new[] { 0, gm.Strides[2], gm.Strides[1] }, gm.Offset);
                dw.Backend.Matmul(gT, xs, new TensorDesc(dw.Buffer, dw.DType, new[] { 1, outF, inF }, new[] { 0, inF, 1 }, 0));
                node.Grads[1] = dw;
            }
            if (bias is not null && node.Needs(2))
            {
                var g2 = new Tensor(gm.Buffer, gm.DType, new[] { rows, outF }, new[] { gm.Strides[1], gm.Strides[2] }, gm.Offset, addRef: true);
                node.Grads[2] = g2.Sum(0);
                g2.Dispose();
            }
            gTmp?.Dispose();
        });
    }

    /// <summary>
    /// t as one [1, rows, cols] matrix (leading dims folded into rows) without copying when its strides allow;
    /// otherwise <paramref name="temp"/> is a contiguous copy that the caller disposes.
    /// </summary>
    private static TensorDesc MatrixDesc(Tensor t, out Tensor? temp)
    {
        temp = null;
        int cols = t._shape[^1];
        if (t.Rank == 1)
            return new TensorDesc(t.Buffer, t.DType, new[] { 1, 1, cols }, new[] { 0, cols * t._strides[0], t._strides[0] }, t._offset);
        if (t.Rank == 2)
            return new TensorDesc(t.Buffer, t.DType, new[] { 1, t._shape[0], cols }, new[] { 0, t._strides[0], t._strides[1] }, t._offset);
        int rows = 1;
        for (int i = 0; i < t.Rank - 1; i++) rows *= t._shape[i];
        if (t.IsContiguous)
            return new TensorDesc(t.Buffer, t.DType, new[] { 1, rows, cols }, new[] { 0, cols, 1 }, t._offset);
        temp = t.ConvertContiguous();
        return new TensorDesc(temp.Buffer, temp.DType, new[] { 1, rows, cols }, new[] { 0, cols, 1 }, 0);
    }
}

public static partial class Functional
{
    /// <summary>
    /// y = x·Wᵀ + b (PyTorch's <c>torch.nn.functional.linear</c>): <paramref name="input"/> is [..., inFeatures],
    /// <paramref name="weight"/> [outFeatures, inFeatures], <paramref name="bias"/> [outFeatures] or null.
    /// One fused op: a single autograd node whose backward computes dx = g·W, dW = gᵀ·x and db = Σ g directly.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Tensor.LinearOp(input, weight, bias);
}
