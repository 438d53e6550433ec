using Strata.Autograd;
using Strata.Backends;

namespace Strata;

/// <summary>A (height, width) pair of sizes; an int converts to (n, n), as PyTorch's <c>_pair</c>.</summary>
public readonly record struct IntPair(int H, int W)
{
    public static implicit operator IntPair(int n) => new(n, n);
    public static implicit operator IntPair((int H, int W) t) => new(t.H, t.W);
    public override string ToString() => $"({H}, {W})";
}

/// <summary>Stateless neural-network functions with autograd, as <c>torch.nn.functional</c>.</summary>
public static partial class Functional
{
    /// <summary>A contiguous version of t for kernels that need dense operands; disposes the copy only.</summary>
    private readonly struct ConvOperand : IDisposable
    {
        public readonly Tensor T;
        private readonly bool _owned;
        public ConvOperand(Tensor t)
        {
            if (t.IsContiguous) { T = t; _owned = false; return; }
            T = Tensor.Empty("contiguous", t._shape, t.DType, t.Device);
            t.Backend.Copy(t.Desc, T.Desc);
            _owned = true;
        }
        public TensorDesc Desc => T.Desc;
        public void Dispose() { if (_owned) T.Dispose(); }
    }

    private static void CheckPairArg(string op, string what, IntPair v, bool allowZero = false)
    {
        if (v.H < (allowZero ? 0 : 1) || v.W < (allowZero ? 0 : 1))
            throw new ArgumentException($"{op}: {what} must be {(allowZero ? "non-negative" : "positive")}, got {v}.");
    }

    private static void CheckConvDTypes(string op, Tensor x, Tensor w, Tensor? b)
    {
        if (!x.DType.IsFloating())
            throw new ArgumentException($"{op}: needs a floating-point input, got {x.DType.Name()} of shape {x.Shape}.");
        if (w.DType != x.DType)
            throw new ArgumentException($"{op}: input dtype {x.DType.Name()} (shape {x.Shape}) and weight dtype {w.DType.Name()} (shape {w.Shape}) differ; convert one with To().");
        if (b != null && b.DType != x.DType)
            throw new ArgumentException($"{op}: bias dtype {b.DType.Name()} differs from input dtype {x.DType.Name()}.");
        Tensor.CheckSameDevice(op, x, w);
        if (b != null) Tensor.CheckSameDevice(op, x, b);
    }

    private static int ConvOutSize(string op, int inSize, int k, int stride, int pad, int dil, Tensor x, Tensor w)
    {
        int num = inSize + 2 * pad - dil * (k - 1) - 1;
        int o = num < 0 ? 0 : num / stride + 1;
        if (o <= 0)
            throw new ArgumentException($"{op}: output size would be {(num < 0 ? "empty" : o.ToString())}: input {x.Shape} (padded size {inSize + 2 * pad}) is smaller than the dilated kernel {dil * (k - 1) + 1} of weight {w.Shape}.");
        return o;
    }

    // Checks shared by conv1d/conv2d (on the 4-D views; `shownX`/`shownW` are the caller's shapes for messages).
    private static void CheckConvChannels(string op, int inChannels, int groups, Tensor shownX, Tensor shownW, Tensor? bias, bool transposed)
    {
        if (groups < 1) throw new ArgumentException($"{op}: groups must be positive, got {groups}.");
        int wOut = shownW._shape[0], wIn = shownW._shape[1];
        if (!transposed)
        {
            if (wOut % groups != 0)
                throw new ArgumentException($"{op}: out channels {wOut} (weight {shownW.Shape}) are not divisible by groups={groups}.");
            if (inChannels % groups != 0)
                throw new ArgumentException($"{op}: in channels {inChannels} (input {shownX.Shape}) are not divisible by groups={groups}.");
            if (wIn * groups != inChannels)
                throw new ArgumentException($"{op}: input {shownX.Shape} has {inChannels} channels, but weight {shownW.Shape} expects {wIn} x groups={groups} = {wIn * groups}.");
            if (bias != null && (bias.Rank != 1 || bias._shape[0] != wOut))
                throw new ArgumentException($"{op}: bias must have shape [{wOut}] (weight {shownW.Shape}), got {bias.Shape}.");
        }
        else
        {
            if (inChannels % groups != 0)
                throw new ArgumentException($"{op}: in channels {inChannels} (input {shownX.Shape}) are not divisible by groups={groups}.");
            if (wOut != inChannels)
                throw new ArgumentException($"{op}: input {shownX.Shape} has {inChannels} channels, but weight {shownW.Shape} expects {wOut} (weight is [in, out/groups, kH, kW]).");
            if (bias != null && (bias.Rank != 1 || bias._shape[0] != wIn * groups))
                throw new ArgumentException($"{op}: bias must have shape [{wIn * groups}] (weight {shownW.Shape}, groups={groups}), got {bias.Shape}.");
        }
    }

    /// <summary>
    /// 2-D convolution (cross-correlation) of x [N,C,H,W] with weight [O, C/groups, kH, kW], plus bias [O] when given;
    /// output [N, O, OH, OW] with OH = (H + 2·padH − dilH·(kH−1) − 1) / strideH + 1, as <c>torch.nn.functional.conv2d</c>.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, IntPair? stride = null, IntPair padding = default, IntPair? dilation = null, int groups = 1)
    {
        const string op = "conv2d";
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be 4-D [N, C, H, W], got shape {x.Shape}.");
        if (weight.Rank != 4) throw new ArgumentException($"{op}: weight must be 4-D [O, C/groups, kH, kW], got shape {weight.Shape}.");
        return Conv2dCore(op, x, weight, bias, stride ?? 1, padding, dilation ?? 1, groups);
    }

    /// <summary>
    /// 1-D convolution of x [N,C,L] with weight [O, C/groups, k], plus bias [O] when given, as <c>torch.nn.functional.conv1d</c>.
    /// </summary>
    public static Tensor Conv1d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        const string op = "conv1d";
        if (x.Rank != 3) throw new ArgumentException($"{op}: input must be 3-D [N, C, L], got shape {x.Shape}.");
        if (weight.Rank != 3) throw new ArgumentException($"{op}: weight must be 3-D [O, C/groups, k], got shape {weight.Shape}.");
        // A length-L signal is a 1×L image: the kernels see 4-D views, autograd sees the 3-D tensors.
        return Conv2dCore(op, x, weight, bias, (1, stride), (0, padding), (1, dilation), groups);
    }

    // A 3-D [A, B, L] tensor seen as [A, B, 1, L] (no copy); 4-D tensors as they are.
    private static TensorDesc Desc4(Tensor t)
    {
        if (t.Rank == 4) return t.Desc;
        var s = t._strides;
        return t.Desc.WithLayout(new[] { t._shape[0], t._shape[1], 1, t._shape[2] }, new[] { s[0], s[1], s[2] * t._shape[2], s[2] }, t._offset);
    }

    private static int[] Shape4(Tensor t) => t.Rank == 4 ? t._shape : new[] { t._shape[0], t._shape[1], 1, t._shape[2] };

    private static Tensor Conv2dCore(string op, Tensor x, Tensor weight, Tensor? bias, IntPair stride, IntPair padding, IntPair dilation, int groups)
    {
        Tensor shownX = x, shownW = weight;
        int[] xs = Shape4(x), ws = Shape4(weight);
        CheckConvDTypes(op, x, weight, bias);
        CheckPairArg(op, "stride", stride);
        CheckPairArg(op, "padding", padding, allowZero: true);
        CheckPairArg(op, "dilation", dilation);
        CheckConvChannels(op, x._shape[1], groups, shownX, shownW, bias, transposed: false);
        int n = xs[0], o = ws[0];
        int kh = ws[2], kw = ws[3];
        int oh = ConvOutSize(op, xs[2], kh, stride.H, padding.H, dilation.H, shownX, shownW);
        int ow = ConvOutSize(op, xs[3], kw, stride.W, padding.W, dilation.W, shownX, shownW);
        var p = new Conv2dParams(stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);

        var y = Tensor.Empty(op, x.Rank == 4 ? new[] { n, o, oh, ow } : new[] { n, o, ow }, x.DType, x.Device);
        using (var wc = new ConvOperand(weight))
        using (var bc = bias == null ? default : new ConvOperand(bias))
            y.Backend.Conv2d(Desc4(x), Desc4(wc.T), bias == null ? default : bc.Desc, Desc4(y), p);

        var inputs = bias == null ? new[] { x, weight } : new[] { x, weight, bias };
        if (Engine.ShouldRecord(inputs))
        {
            Engine.Record(y, op, inputs, (g, node) =>
            {
                using var gc = new ConvOperand(g);
                if (node.Needs(0))
                {
                    using var wc = new ConvOperand(weight);
                    var gx = Tensor.Empty(op, x._shape, x.DType, x.Device);
                    gx.Backend.Conv2dBackwardInput(Desc4(gc.T), Desc4(wc.T), Desc4(gx), p);
                    node.Grads[0] = gx;
                }
                if (node.Needs(1))
                {
                    var gw = Tensor.Empty(op, weight._shape, weight.DType, weight.Device);
                    gw.Backend.Conv2dBackwardWeight(Desc4(x), Desc4(gc.T), Desc4(gw), p);
                    node.Grads[1] = gw;
                }
                if (bias != null && node.Needs(2)) node.Grads[2] = gc.T.Sum(x.Rank == 4 ? new[] { 0, 2, 3 } : new[] { 0, 2 });
            });
        }
        return y;
    }

    /// <summary>
    /// Transposed 2-D convolution (the gradient of <see cref="Conv2d"/> w.r.t. its input) of x [N, Cin, H, W] with weight
    /// [Cin, Cout/groups, kH, kW], plus bias [Cout]; OH = (H−1)·strideH − 2·padH + dilH·(kH−1) + outputPadH + 1,
    /// as <c>torch.nn.functional.conv_transpose2d</c>.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, IntPair? stride = null, IntPair padding = default,
        IntPair outputPadding = default, IntPair? dilation = null, int groups = 1)
    {
        const string op = "conv_transpose2d";
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be 4-D [N, Cin, H, W], got shape {x.Shape}.");
        if (weight.Rank != 4) throw new ArgumentException($"{op}: weight must be 4-D [Cin, Cout/groups, kH, kW], got shape {weight.Shape}.");
        var s = stride ?? 1;
        var d = dilation ?? 1;
        CheckConvDTypes(op, x, weight, bias);
        CheckPairArg(op, "stride", s);
        CheckPairArg(op, "padding", padding, allowZero: true);
        CheckPairArg(op, "output padding", outputPadding, allowZero: true);
        CheckPairArg(op, "dilation", d);
        CheckConvChannels(op, x._shape[1], groups, x, weight, bias, transposed: true);
        if (outputPadding.H >= Math.Max(s.H, d.H) || outputPadding.W >= Math.Max(s.W, d.W))
            throw new ArgumentException($"{op}: output padding {outputPadding} must be smaller than stride {s} or dilation {d}.");
        int n = x._shape[0], cout = weight._shape[1] * groups;
        int kh = weight._shape[2], kw = weight._shape[3];
        int oh = (x._shape[2] - 1) * s.H - 2 * padding.H + d.H * (kh - 1) + outputPadding.H + 1;
        int ow = (x._shape[3] - 1) * s.W - 2 * padding.W + d.W * (kw - 1) + outputPadding.W + 1;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"{op}: output size would be [{oh}, {ow}] for input {x.Shape} and weight {weight.Shape} with padding {padding}.");
        var p = new Conv2dParams(s.H, s.W, padding.H, padding.W, d.H, d.W, groups);

        // The forward pass is conv2d's input gradient with x in the role of the output gradient.
        var y = Tensor.Empty(op, new[] { n, cout, oh, ow }, x.DType, x.Device);
        using (var xc = new ConvOperand(x))
        using (var wc = new ConvOperand(weight))
            y.Backend.Conv2dBackwardInput(xc.Desc, wc.Desc, y.Desc, p);
        if (bias != null)
        {
            using var noGrad = GradMode.NoGrad();
            using var b4 = bias.Reshape(1, cout, 1, 1);
            y.AddInPlace(b4);
        }

        var inputs = bias == null ? new[] { x, weight } : new[] { x, weight, bias };
        if (Engine.ShouldRecord(inputs))
        {
            Engine.Record(y, op, inputs, (g, node) =>
            {
                using var gc = new ConvOperand(g);
                if (node.Needs(0))
                {
                    using var wc = new ConvOperand(weight);
                    var gx = Tensor.Empty(op, x._shape, x.DType, x.Device);
                    gx.Backend.Conv2d(gc.Desc, wc.Desc, default, gx.Desc, p);
                    node.Grads[0] = gx;
                }
                if (node.Needs(1))
                {
                    using var xc = new ConvOperand(x);
                    var gw = Tensor.Empty(op, weight._shape, weight.DType, weight.Device);
                    gw.Backend.Conv2dBackwardWeight(gc.Desc, xc.Desc, gw.Desc, p);
                    node.Grads[1] = gw;
                }
                if (bias != null && node.Needs(2)) node.Grads[2] = gc.T.Sum(new[] { 0, 2, 3 });
            });
        }
        return y;
    }
}
