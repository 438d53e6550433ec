using Strata.Autograd;

namespace Strata;

/// <summary>How a loss combines its per-element values.</summary>
public enum Reduction
{
    /// <summary>The (weighted) mean over elements.</summary>
    Mean,
    /// <summary>The sum over elements.</summary>
    Sum,
    /// <summary>No reduction: one loss per element.</summary>
    None,
}

// Losses. Cross-entropy is log-softmax (one fused kernel) followed by a gather of the target log-probabilities,
// so it never forms probabilities that could underflow before the log.
public static partial class Functional
{
    /// <summary>
    /// Cross-entropy between <paramref name="logits"/> ([N, C], [N, C, d1, ...] or unbatched [C]) and either int64 class
    /// indices (shape of logits without dimension 1) or class probabilities (same shape as logits), as
    /// <c>torch.nn.functional.cross_entropy</c>: optional per-class <paramref name="weight"/> [C], targets equal to
    /// <paramref name="ignoreIndex"/> are skipped (and excluded from the mean), and <paramref name="labelSmoothing"/> mixes the
    /// target with the uniform distribution. The weighted mean divides by the sum of the target weights, as PyTorch.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        int ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        const string op = "cross_entropy";
        if (!logits.DType.IsFloating())
            throw new ArgumentException($"{op}: logits must be floating-point, got {logits.DType.Name()} of shape {logits.Shape}.");
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentException($"{op}: labelSmoothing must be in [0, 1], got {labelSmoothing}.");
        if (logits.Rank == 0)
            throw new ArgumentException($"{op}: logits must have a class dimension, got shape {logits.Shape}.");
        if (logits.Rank == 1)
        {
            // Unbatched input: a batch of one, with the batch dimension removed again for Reduction.None.
            // Not disposed: the unsqueezed views are part of the graph.
            var l2 = logits.Unsqueeze(0);
            var t2 = target.Unsqueeze(0);
            var r = CrossEntropy(l2, t2, weight, reduction, ignoreIndex, labelSmoothing);
            return reduction == Reduction.None ? r.Squeeze(0) : r;
        }
        int c = logits.Size(1);
        var w = CheckClassWeight(op, weight, logits, c);
        if (target.DType.IsFloating())
        {
            if (target.Shape != logits.Shape || target.DType != logits.DType)
                throw new ArgumentException($"{op}: probability target ({target.DType.Name()} of shape {target.Shape}) must have the dtype and shape of logits ({logits.DType.Name()} of shape {logits.Shape}).");
            var logp = logits.LogSoftmax(1);
            var t = labelSmoothing > 0 ? target.Mul(1 - labelSmoothing).Add(labelSmoothing / c) : target;
            var term = logp.Mul(t);
            if (w != null) term = term.Mul(w);
            var perElem = term.Sum(1).Neg();
            return reduction switch
            {
                Reduction.Mean => perElem.Mean(),
                Reduction.Sum => perElem.Sum(),
                _ => perElem,
            };
        }
        // The fused kernel covers the common case; a weight that itself needs a gradient goes through the composed ops.
        if (weight == null || !weight.RequiresGrad)
            return FusedCrossEntropy(op, logits, target, weight, reduction, ignoreIndex, labelSmoothing);
        return NllCore(op, logits.LogSoftmax(1), target, w, reduction, ignoreIndex, labelSmoothing);
    }

    private static Tensor FusedCrossEntropy(string op, Tensor logits, Tensor target, Tensor? weight, Reduction reduction, int ignoreIndex, double smoothing)
    {
        var expected = CheckClassTarget(op, logits, target);
        int c = logits.Size(1);
        // The kernel wants classes last: move dimension 1 to the end as a view of the same memory.
        var perm = Enumerable.Range(0, logits.Rank).Where(i => i != 1).Append(1).ToArray();
        var xd = PermutedDesc(logits, perm);
        var wt = weight?.To(logits.DType);
        var wd = wt?.Desc ?? default;
        var loss = Tensor.Zeros(expected, logits.DType, logits.Device);
        var lse = Tensor.Zeros(expected, logits.DType, logits.Device);
        var rowW = Tensor.Zeros(expected, logits.DType, logits.Device);
        if (!logits.Backend.CrossEntropyForward(xd, target.Desc, wd, ignoreIndex, smoothing, loss.Desc, lse.Desc, rowW.Desc, out long bad))
            throw new ArgumentOutOfRangeException(nameof(target), $"{op}: target class {bad} is out of range for {c} classes (valid: 0..{c - 1}, or ignoreIndex {ignoreIndex}); logits shape {logits.Shape}.");
        if (Engine.ShouldRecord(logits))
        {
            Engine.Record(loss, op, new[] { logits }, (g, n) =>
            {
                var gx = Tensor.Zeros(logits.Shape.ToArray(), logits.DType, logits.Device);
                gx.Backend.CrossEntropyBackward(xd, target.Desc, wd, ignoreIndex, smoothing, lse.Desc, g.Desc, PermutedDesc(gx, perm));
                n.Grads[0] = gx;
            });
        }
        switch (reduction)
        {
            case Reduction.None: return loss;
            case Reduction.Sum: return loss.Sum();
            default: return loss.Sum().Div(rowW.Sum());
        }
    }

    private static Backends.TensorDesc PermutedDesc(Tensor t, int[] perm)
    {
        var shape = t.Shape.ToArray();
        var strides = t.Strides;
        return t.Desc.WithLayout(perm.Select(i => shape[i]).ToArray(), perm.Select(i => strides[i]).ToArray(), t.StorageOffset);
    }

    private static int[] CheckClassTarget(string op, Tensor input, Tensor target)
    {
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: class-index target must be int64, got {target.DType.Name()} of shape {target.Shape} (input shape {input.Shape}).");
        var expected = input.Shape.ToArray().Where((_, i) => i != 1).ToArray();
        if (!target.Shape.ToArray().AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{op}: target of shape {target.Shape} does not match input of shape {input.Shape} (expected target shape [{string.Join(", ", expected)}]).");
        return expected;
    }

    /// <summary>
    /// Negative log-likelihood of int64 class indices under log-probabilities <paramref name="logProbs"/> ([N, C] or
    /// [N, C, d1, ...]), as <c>torch.nn.functional.nll_loss</c>.
    /// </summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        const string op = "nll_loss";
        if (!logProbs.DType.IsFloating())
            throw new ArgumentException($"{op}: input must be floating-point, got {logProbs.DType.Name()} of shape {logProbs.Shape}.");
        if (logProbs.Rank < 2)
            throw new ArgumentException($"{op}: input must be [N, C] or [N, C, d1, ...], got shape {logProbs.Shape}.");
        var w = CheckClassWeight(op, weight, logProbs, logProbs.Size(1));
        return NllCore(op, logProbs, target, w, reduction, ignoreIndex, 0);
    }

    /// <summary>The class weight as a [1, C, 1, ...] view of the input's dtype, or null.</summary>
    private static Tensor? CheckClassWeight(string op, Tensor? weight, Tensor input, int c)
    {
        if (weight == null) return null;
        if (weight.Rank != 1 || weight.Size(0) != c)
            throw new ArgumentException($"{op}: weight of shape {weight.Shape} must be 1-D with one entry per class ({c}) for input of shape {input.Shape}.");
        var shape = new int[input.Rank];
        Array.Fill(shape, 1);
        shape[1] = c;
        return weight.To(input.DType).Reshape(shape);
    }

    private static Tensor NllCore(string op, Tensor logp, Tensor target, Tensor? w, Reduction reduction, int ignoreIndex, double smoothing)
    {
        var expected = CheckClassTarget(op, logp, target);
        int c = logp.Size(1);
        // Targets are validated on the host, which also yields the ignore mask and a safe index to gather with.
        var tv = target.ToArray<long>();
        var safe = new long[tv.Length];
        var keep = new double[tv.Length];
        for (int i = 0; i < tv.Length; i++)
        {
            long k = tv[i];
            if (k == ignoreIndex) continue;
            if (k < 0 || k >= c)
                throw new ArgumentOutOfRangeException(nameof(target), $"{op}: target class {k} is out of range for {c} classes (valid: 0..{c - 1}, or ignoreIndex {ignoreIndex}).");
            safe[i] = k;
            keep[i] = 1;
        }
        var idxShape = (int[])expected.Clone();
        var gatherShape = logp.Shape.ToArray();
        gatherShape[1] = 1;
        // safeT, mask and the weight views are captured by backward closures, so they are left to the scope (or GC).
        var safeT = Tensor.FromArray(safe, gatherShape);
        var mask = Tensor.FromArray(keep, idxShape).To(logp.DType);
        var picked = logp.Gather(1, safeT).Squeeze(1);
        Tensor wPer = mask;
        if (w != null)
        {
            var wFull = w.BroadcastTo(logp.Shape.ToArray());
            var wPicked = wFull.Gather(1, safeT).Squeeze(1);
            wPer = wPicked.Mul(mask);
        }
        var loss = picked.Mul(wPer).Neg();
        if (smoothing > 0)
        {
            // PyTorch's smoothing term: -sum_c w_c log p_c, zero at ignored positions, scaled by eps / C.
            var weighted = w != null ? logp.Mul(w) : logp;
            var smooth = weighted.Sum(1).Neg().Mul(mask);
            loss = loss.Mul(1 - smoothing).Add(smooth.Mul(smoothing / c));
        }
        switch (reduction)
        {
            case Reduction.None: return loss;
            case Reduction.Sum: return loss.Sum();
            default:
                return loss.Sum().Div(wPer.Sum());
        }
    }

    /// <summary>
    /// Binary cross-entropy on logits, as <c>torch.nn.functional.binary_cross_entropy_with_logits</c>, computed as
    /// (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), which never exponentiates a large positive number.
    /// <paramref name="weight"/> rescales each element; <paramref name="posWeight"/> (broadcast over the last dimension) weighs positives.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        const string op = "binary_cross_entropy_with_logits";
        if (!logits.DType.IsFloating() || !targets.DType.IsFloating())
            throw new ArgumentException($"{op}: logits and targets must be floating-point, got {logits.DType.Name()} of shape {logits.Shape} and {targets.DType.Name()} of shape {targets.Shape}.");
        if (targets.Shape != logits.Shape || targets.DType != logits.DType)
            throw new ArgumentException($"{op}: targets ({targets.DType.Name()} of shape {targets.Shape}) must have the dtype and shape of logits ({logits.DType.Name()} of shape {logits.Shape}).");
        Tensor loss, sp;
        Tensor? logWeight = null;
        // Forward without recording, then one node whose backward is the closed form:
        // dL/dx = (1 - t) - lw * sigmoid(-x), dL/dt = (posWeight - 1) softplus(-x) - x, dL/dposWeight = t softplus(-x).
        using (GradMode.NoGrad())
        {
            using var negX = logits.Neg();
            sp = negX.Softplus();
            if (posWeight != null)
            {
                using var pw1 = posWeight.Sub(1.0);
                using var tp = targets.Mul(pw1);
                logWeight = tp.Add(1.0);
                if (logWeight.Shape != logits.Shape)
                    throw new ArgumentException($"{op}: posWeight of shape {posWeight.Shape} does not broadcast to logits of shape {logits.Shape}.");
            }
            using var oneMinusT = targets.Affine(-1, 1);
            using var lin = oneMinusT.Mul(logits);
            using var soft = logWeight != null ? logWeight.Mul(sp) : null;
            var raw = lin.Add(soft ?? sp);
            if (weight != null)
            {
                loss = raw.Mul(weight);
                raw.Dispose();
                if (loss.Shape != logits.Shape)
                    throw new ArgumentException($"{op}: weight of shape {weight.Shape} does not broadcast to logits of shape {logits.Shape}.");
            }
            else loss = raw;
        }
        var inputs = new List<Tensor> { logits, targets };
        if (posWeight != null) inputs.Add(posWeight);
        if (weight != null) inputs.Add(weight);
        if (Engine.ShouldRecord(inputs.ToArray()))
        {
            var shape = logits.Shape.ToArray();
            Engine.Record(loss, op, inputs.ToArray(), (g, n) =>
            {
                // The unweighted loss is needed for the weight's gradient; it is recomputed rather than saved.
                using var gw = weight != null ? g.Mul(weight) : null;
                var ge = gw ?? g;
                if (n.Needs(0))
                {
                    using var sigNeg = logits.Neg().Sigmoid();
                    using var a = logWeight != null ? logWeight.Mul(sigNeg) : sigNeg.Clone();
                    using var oneMinusT = targets.Affine(-1, 1);
                    using var d = oneMinusT.Sub(a);
                    n.Grads[0] = ge.Mul(d).SumTo(shape);
                }
                if (n.Needs(1))
                {
                    using var pw1 = posWeight?.Sub(1.0);
                    using var spw = pw1 != null ? sp.Mul(pw1) : null;
                    using var d2 = spw != null ? spw.Sub(logits) : logits.Neg();
                    n.Grads[1] = ge.Mul(d2).SumTo(shape);
                }
                int next = 2;
                if (posWeight != null)
                {
                    if (n.Needs(next))
                    {
                        using var d = targets.Mul(sp);
                        using var gd = ge.Mul(d);
                        n.Grads[next] = gd.SumTo(posWeight.Shape.ToArray());
                    }
                    next++;
                }
                if (weight != null && n.Needs(next))
                {
                    using var oneMinusT = targets.Affine(-1, 1);
                    using var lin = oneMinusT.Mul(logits);
                    using var soft = logWeight != null ? logWeight.Mul(sp) : sp.Clone();
                    using var raw = lin.Add(soft);
                    using var gr = g.Mul(raw);
                    n.Grads[next] = gr.SumTo(weight.Shape.ToArray());
                }
            });
        }
        return reduction switch
        {
            Reduction.Mean => loss.Mean(),
            Reduction.Sum => loss.Sum(),
            _ => loss,
        };
    }
}
