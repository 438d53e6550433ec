using Strata.Autograd;

namespace Strata;

// Normalisation layers, composed from differentiable ops (mean, centred square, rsqrt) so their backward is the
// exact derivative of the forward; the biased variance normalises, as in PyTorch.
public static partial class Functional
{
    /// <summary>
    /// Normalises over the trailing dimensions <paramref name="normalizedShape"/> to zero mean and unit variance, then
    /// applies the optional elementwise affine <paramref name="weight"/> and <paramref name="bias"/> (of that shape).
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = "layer_norm";
        if (!x.DType.IsFloating())
            throw new ArgumentException($"{op}: input must be floating-point, got {x.DType.Name()} of shape {x.Shape}.");
        int k = normalizedShape.Length;
        bool ok = k > 0 && k <= x.Rank;
        for (int i = 0; ok && i < k; i++) ok = x.Size(x.Rank - k + i) == normalizedShape[i];
        if (!ok)
            throw new ArgumentException($"{op}: normalizedShape [{string.Join(", ", normalizedShape)}] does not match the trailing dimensions of input shape {x.Shape}.");
        foreach (var (p, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (p != null && !p.Shape.ToArray().AsSpan().SequenceEqual(normalizedShape))
                throw new ArgumentException($"{op}: {name} of shape {p.Shape} must have normalizedShape [{string.Join(", ", normalizedShape)}] (input shape {x.Shape}).");
        foreach (var p in new[] { weight, bias })
            if (p != null && p.DType != x.DType)
                throw new ArgumentException($"{op}: weight and bias must have the input's dtype {x.DType.Name()}, got {p.DType.Name()} of shape {p.Shape} (input shape {x.Shape}).");
        int d = 1;
        foreach (var s in normalizedShape) d *= s;
        int rows = d == 0 ? 0 : (int)(x.Numel / d);
        // One fused pass per row; the kernel reads rows as contiguous [R, D], so strided inputs are copied first.
        var xc = x.IsContiguous ? x : x.ConvertNoGrad(x.DType);
        var wc = weight == null ? null : weight.IsContiguous ? weight : weight.ConvertNoGrad(weight.DType);
        var bc = bias == null ? null : bias.IsContiguous ? bias : bias.ConvertNoGrad(bias.DType);
        var y = Tensor.Empty(op, x.Shape.ToArray(), x.DType, x.Device);
        var mean = Tensor.Empty(op, new[] { rows }, x.DType, x.Device);
        var rstd = Tensor.Empty(op, new[] { rows }, x.DType, x.Device);
        var rowShape = new[] { rows, d };
        var rowStrides = new[] { d, 1 };
        var xd = xc.Desc.WithLayout(rowShape, rowStrides, xc.StorageOffset);
        x.Backend.LayerNormForward(xd, wc?.Desc ?? default, bc?.Desc ?? default, eps, y.Desc.WithLayout(rowShape, rowStrides, 0), mean.Desc, rstd.Desc);
        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        if (Engine.ShouldRecord(inputs.ToArray()))
        {
            Engine.Record(y, op, inputs.ToArray(), (g, n) =>
            {
                using var g2 = g.IsContiguous ? null : g.ConvertNoGrad(g.DType);
                var gd = (g2 ?? g).Desc.WithLayout(rowShape, rowStrides, (g2 ?? g).StorageOffset);
                if (n.Needs(0))
                {
                    var gx = Tensor.Empty(op, x.Shape.ToArray(), x.DType, x.Device);
                    gx.Backend.LayerNormBackward(xd, wc?.Desc ?? default, mean.Desc, rstd.Desc, gd, gx.Desc.WithLayout(rowShape, rowStrides, 0));
                    n.Grads[0] = gx;
                }
                int next = 1;
                using var gRows = (g2 ?? g).Reshape(rowShape);
                if (weight != null)
                {
                    if (n.Needs(next))
                    {
                        using var xr = xc.Reshape(rowShape);
                        using var centred = xr.Sub(mean.Reshape(rows, 1));
                        using var xhat = centred.Mul(rstd.Reshape(rows, 1));
                        using var prod = gRows.Mul(xhat);
                        using var sum = prod.Sum(0);
                        n.Grads[next] = sum.Reshape(normalizedShape);
                    }
                    next++;
                }
                if (bias != null && n.Needs(next))
                {
                    using var sum = gRows.Sum(0);
                    n.Grads[next] = sum.Reshape(normalizedShape);
                }
            });
        }
        return y;
    }

    private static Tensor Standardize(Tensor x, int[] dims, double eps, out Tensor mean, out Tensor var)
    {
        mean = x.Mean(dims, keepDim: true);
        var xc = x.Sub(mean);
        var = xc.Square().Mean(dims, keepDim: true);
        return xc.Mul(var.Add(eps).Rsqrt());
    }

    /// <summary>
    /// Batch normalisation of x [N, C] or [N, C, ...] per channel C, as <c>torch.nn.functional.batch_norm</c>. In
    /// training the batch statistics normalise, and running statistics (when given) are updated in place with
    /// <paramref name="momentum"/> using the unbiased batch variance; in evaluation the running statistics normalise.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = "batch_norm";
        if (!x.DType.IsFloating())
            throw new ArgumentException($"{op}: input must be floating-point, got {x.DType.Name()} of shape {x.Shape}.");
        if (x.Rank < 2)
            throw new ArgumentException($"{op}: input must be [N, C] or [N, C, ...], got shape {x.Shape}.");
        int c = x.Size(1);
        foreach (var (p, name) in new[] { (runningMean, "runningMean"), (runningVar, "runningVar"), (weight, "weight"), (bias, "bias") })
            if (p != null && (p.Rank != 1 || p.Size(0) != c))
                throw new ArgumentException($"{op}: {name} of shape {p.Shape} must be [{c}] for input of shape {x.Shape}.");
        if ((runningMean == null) != (runningVar == null))
            throw new ArgumentException($"{op}: runningMean and runningVar must be given together (input shape {x.Shape}).");
        var pshape = new int[x.Rank];
        Array.Fill(pshape, 1);
        pshape[1] = c;
        Tensor y;
        if (training)
        {
            var dims = Enumerable.Range(0, x.Rank).Where(i => i != 1).ToArray();
            long count = x.Numel / Math.Max(c, 1);
            if (count <= 1)
                throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input shape {x.Shape}.");
            y = Standardize(x, dims, eps, out var mean, out var var);
            if (runningMean != null && runningVar != null)
            {
                using var noGrad = GradMode.NoGrad();
                using var m = mean.Reshape(c);
                using var v = var.Reshape(c);
                using var unbiased = v.Mul((double)count / (count - 1));
                using var newMean = runningMean.Mul(1 - momentum).AddNoGrad(m.To(runningMean.DType), momentum);
                using var newVar = runningVar.Mul(1 - momentum).AddNoGrad(unbiased.To(runningVar.DType), momentum);
                runningMean.CopyFrom(newMean);
                runningVar.CopyFrom(newVar);
            }
        }
        else
        {
            if (runningMean == null || runningVar == null)
                throw new ArgumentException($"{op}: evaluation mode needs runningMean and runningVar (input shape {x.Shape}).");
            var rm = runningMean.To(x.DType).Reshape(pshape);
            var rv = runningVar.To(x.DType).Reshape(pshape);
            y = x.Sub(rm).Mul(rv.Add(eps).Rsqrt());
        }
        if (weight != null) y = y.Mul(weight.Reshape(pshape));
        if (bias != null) y = y.Add(bias.Reshape(pshape));
        return y;
    }

    /// <summary>
    /// Inverted dropout: in training, zeroes each element with probability <paramref name="p"/> (a Bernoulli mask drawn
    /// from <paramref name="generator"/>) and scales the rest by 1 / (1 - p); otherwise, or when p is 0, returns x.
    /// </summary>
    public static Tensor Dropout(Tensor x, double p = 0.5, bool training = true, Generator? generator = null)
    {
        const string op = "dropout";
        if (p < 0 || p > 1 || double.IsNaN(p))
            throw new ArgumentException($"{op}: probability must be in [0, 1], got {p} (input shape {x.Shape}).");
        if (!training || p == 0) return x;
        if (!x.DType.IsFloating())
            throw new ArgumentException($"{op}: input must be floating-point, got {x.DType.Name()} of shape {x.Shape}.");
        if (p == 1) return x.Mul(0.0);
        using var keep = Tensor.Bernoulli(x.Shape.ToArray(), 1 - p, generator, x.DType);
        var scale = keep.AffineNoGrad(1 / (1 - p), 0);
        return x.Mul(scale);
    }
}
