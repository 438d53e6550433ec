using Strata.Autograd;

namespace Strata;

// Normalisation layers: one graph node each with a closed-form backward (layer norm runs fused backend kernels);
// the biased variance normalises, as in PyTorch.
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
        foreach (var p in new[] { weight, bias })
            if (p != null && p.DType != x.DType)
                throw new ArgumentException($"{op}: weight and bias must have the input's dtype {x.DType.Name()}, got {p.DType.Name()} of shape {p.Shape} (input shape {x.Shape}).");
        var dims = Enumerable.Range(0, x.Rank).Where(i => i != 1).ToArray();
        long count = x.Numel / Math.Max(c, 1);
        Tensor xhat, invstd, y;
        // Forward without recording; one node with the closed-form backward replaces the chain of composed ops.
        using (GradMode.NoGrad())
        {
            if (training)
            {
                if (count <= 1)
                    throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input shape {x.Shape}.");
                using var mean = x.Mean(dims, keepDim: true);
                using var xc = x.Sub(mean);
                using var sq = xc.Square();
                using var var = sq.Mean(dims, keepDim: true);
                using (var ve = var.Add(eps)) invstd = ve.Rsqrt();
                xhat = xc.Mul(invstd);
                if (runningMean != null && runningVar != null)
                {
                    using var m = mean.Reshape(c);
                    using var v = var.Reshape(c);
                    using var unbiased = v.Mul((double)count / (count - 1));
                    using var mT = m.ConvertNoGrad(runningMean.DType);
                    using var uT = unbiased.ConvertNoGrad(runningVar.DType);
                    using var rm1 = runningMean.Mul(1 - momentum);
                    using var rv1 = runningVar.Mul(1 - momentum);
                    using var newMean = rm1.AddNoGrad(mT, momentum);
                    using var newVar = rv1.AddNoGrad(uT, momentum);
                    runningMean.CopyFrom(newMean);
                    runningVar.CopyFrom(newVar);
                }
            }
            else
            {
                if (runningMean == null || runningVar == null)
                    throw new ArgumentException($"{op}: evaluation mode needs runningMean and runningVar (input shape {x.Shape}).");
                using var rm = runningMean.ConvertNoGrad(x.DType);
                using var rv = runningVar.ConvertNoGrad(x.DType);
                using var rmv = rm.Reshape(pshape);
                using var rvv = rv.Reshape(pshape);
                using (var ve = rvv.Add(eps)) invstd = ve.Rsqrt();
                using var xc = x.Sub(rmv);
                xhat = xc.Mul(invstd);
            }
            using var wv = weight?.Reshape(pshape);
            using var bv = bias?.Reshape(pshape);
            using var scaled = wv != null ? xhat.Mul(wv) : null;
            var pre = scaled ?? xhat;
            y = bv != null ? pre.Add(bv) : pre.Clone();
        }
        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        if (Engine.ShouldRecord(inputs.ToArray()))
        {
            Engine.Record(y, op, inputs.ToArray(), (g, n) =>
            {
                using var wv = weight?.Reshape(pshape);
                if (n.Needs(0))
                {
                    using var gxhat = wv != null ? g.Mul(wv) : g.Clone();
                    if (training)
                    {
                        // gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)), means over all but the channel dim.
                        using var m1 = gxhat.Mean(dims, keepDim: true);
                        using var gh = gxhat.Mul(xhat);
                        using var m2 = gh.Mean(dims, keepDim: true);
                        using var t2 = xhat.Mul(m2);
                        using var d1 = gxhat.Sub(m1);
                        using var d2 = d1.Sub(t2);
                        n.Grads[0] = d2.Mul(invstd);
                    }
                    else n.Grads[0] = gxhat.Mul(invstd);
                }
                int next = 1;
                if (weight != null)
                {
                    if (n.Needs(next))
                    {
                        using var gx = g.Mul(xhat);
                        n.Grads[next] = gx.Sum(dims);
                    }
                    next++;
                }
                if (bias != null && n.Needs(next)) n.Grads[next] = g.Sum(dims);
            });
        }
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
