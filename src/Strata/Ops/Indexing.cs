using Strata.Autograd;

namespace Strata;

// Index-driven gather/scatter. Index tensors are int64 and bounds-checked by the kernels; the op turns a bad
// index into an error that names the op, the value and the size it had to fit.
public sealed partial class Tensor
{
    private void RequireIndex(string op, Tensor index)
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: index must be int64, got {index.DType.Name()} of shape {index.Shape} (input shape {Shape}).");
    }

    private static IndexOutOfRangeException BadIndex(string op, long value, int dim, Tensor t)
        => new($"{op}: index {value} is out of range for dimension {dim} of size {t._shape[dim]} (shape {t.Shape}).");

    /// <summary>
    /// out[i][j][k] = this[index[i][j][k]][j][k] for dim 0 (and likewise for other dims), as <c>torch.gather</c>.
    /// <paramref name="index"/> has this tensor's rank and no larger sizes outside <paramref name="dim"/>.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        const string op = "gather";
        RequireIndex(op, index);
        int d = NormalizeDim(op, dim);
        if (index.Rank != Rank)
            throw new ArgumentException($"{op}: index of shape {index.Shape} must have the same rank as input of shape {Shape}.");
        for (int i = 0; i < Rank; i++)
            if (i != d && index._shape[i] > _shape[i])
                throw new ArgumentException($"{op}: index of shape {index.Shape} is larger than input of shape {Shape} in dimension {i}.");
        var y = GatherNoGrad(op, d, index);
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            Engine.Record(y, op, new[] { this }, (g, n) => n.Grads[0] = ScatterAddInto(op, Zeros(inShape, g.DType, g.Device), d, index, g));
        }
        return y;
    }

    private Tensor GatherNoGrad(string op, int d, Tensor index)
    {
        var y = Empty(op, index._shape, DType, Device);
        if (!Backend.Gather(Desc, d, index.Desc, y.Desc, out long bad))
        {
            y.Dispose();
            throw BadIndex(op, bad, d, this);
        }
        return y;
    }

    /// <summary>Adds <paramref name="src"/> into <paramref name="target"/> (in place, not recorded) at <paramref name="index"/> along <paramref name="d"/>.</summary>
    private static Tensor ScatterAddInto(string op, Tensor target, int d, Tensor index, Tensor src)
    {
        if (!target.Backend.ScatterAdd(target.Desc, d, index.Desc, src.Desc, out long bad))
        {
            target.Dispose();
            throw BadIndex(op, bad, d, target);
        }
        return target;
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="src"/> added at <paramref name="index"/> along <paramref name="dim"/>
    /// (duplicates accumulate), as the out-of-place <c>torch.scatter_add</c>.
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        const string op = "scatter_add";
        RequireIndex(op, index);
        int d = NormalizeDim(op, dim);
        if (src.DType != DType)
            throw new ArgumentException($"{op}: src dtype {src.DType.Name()} does not match input dtype {DType.Name()}.");
        if (index.Rank != Rank || src.Rank != Rank)
            throw new ArgumentException($"{op}: input of shape {Shape}, index of shape {index.Shape} and src of shape {src.Shape} must have the same rank.");
        for (int i = 0; i < Rank; i++)
            if (index._shape[i] > src._shape[i] || (i != d && index._shape[i] > _shape[i]))
                throw new ArgumentException($"{op}: index of shape {index.Shape} does not fit src of shape {src.Shape} and input of shape {Shape} in dimension {i}.");
        var y = Empty(op, _shape, DType, Device);
        Backend.Copy(Desc, y.Desc);
        ScatterAddInto(op, y, d, index, src);
        if (Engine.ShouldRecord(this, src))
        {
            var srcShape = src._shape;
            Engine.Record(y, op, new[] { this, src }, (g, n) =>
            {
                if (n.Needs(0)) n.Grads[0] = g;
                if (n.Needs(1))
                {
                    var gs = g.GatherNoGrad(op, d, index);
                    if (!gs._shape.AsSpan().SequenceEqual(srcShape))
                    {
                        // src elements outside the index's extent were never added, so their gradient is zero.
                        var full = Zeros(srcShape, g.DType, g.Device);
                        using var region = full.View(gs._shape, full._strides, 0);
                        region.CopyFrom(gs);
                        gs.Dispose();
                        gs = full;
                    }
                    n.Grads[1] = gs;
                }
            });
        }
        return y;
    }

    /// <summary>The entries of <paramref name="dim"/> listed by a 1-D int64 <paramref name="index"/>, in that order (as <c>torch.index_select</c>).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        const string op = "index_select";
        RequireIndex(op, index);
        int d = NormalizeDim(op, dim);
        if (index.Rank > 1)
            throw new ArgumentException($"{op}: index must be 1-D, got shape {index.Shape} (input shape {Shape}).");
        using var expanded = ExpandIndex(index, d, _shape);
        var y = GatherNoGrad(op, d, expanded);
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            Engine.Record(y, op, new[] { this }, (g, n) =>
            {
                using var ex = ExpandIndex(index, d, inShape);
                n.Grads[0] = ScatterAddInto(op, Zeros(inShape, g.DType, g.Device), d, ex, g);
            });
        }
        return y;
    }

    /// <summary>A stride-0 view of a 1-D index spread over <paramref name="shape"/> with dimension <paramref name="d"/> replaced by the index length.</summary>
    private static Tensor ExpandIndex(Tensor index, int d, int[] shape)
    {
        var outShape = (int[])shape.Clone();
        outShape[d] = index.Rank == 0 ? 1 : index._shape[0];
        var strides = new int[shape.Length];
        strides[d] = index.Rank == 0 ? 0 : index._strides[0];
        return index.View(outShape, strides, index._offset);
    }
}

public static partial class Functional
{
    /// <summary>
    /// Rows of <paramref name="weight"/> [V, D] looked up by int64 <paramref name="indices"/> of any shape; the result has
    /// shape indices.shape + [D]. The gradient is scatter-added into the rows used, except row <paramref name="paddingIdx"/>.
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null)
    {
        const string op = "embedding";
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{op}: indices must be int64, got {indices.DType.Name()} of shape {indices.Shape}.");
        if (weight.Rank != 2)
            throw new ArgumentException($"{op}: weight must be 2-D [num_embeddings, embedding_dim], got shape {weight.Shape}.");
        int v = weight.Size(0), dim = weight.Size(1);
        int? pad = paddingIdx;
        if (pad is int p)
        {
            if (p < -v || p >= v) throw new ArgumentException($"{op}: paddingIdx {p} is out of range for weight of shape {weight.Shape}.");
            if (p < 0) pad = p + v;
        }
        // Not disposed: backward reads the flattened indices (it lives in the caller's scope like other saved tensors).
        var flat = indices.Reshape(-1);
        Tensor rows;
        using (GradMode.NoGrad())
        {
            try { rows = weight.IndexSelect(0, flat); }
            catch (IndexOutOfRangeException)
            {
                var bad = flat.ToArray<long>().First(k => k < 0 || k >= v);
                throw new IndexOutOfRangeException($"{op}: index {bad} is out of range for weight of shape {weight.Shape} ({v} embeddings).");
            }
        }
        var outShape = indices.Shape.ToArray().Append(dim).ToArray();
        var y = rows.Reshape(outShape);
        if (!ReferenceEquals(y, rows)) rows.Dispose();
        if (Engine.ShouldRecord(weight))
        {
            var idx = flat;
            Engine.Record(y, op, new[] { weight }, (g, n) =>
            {
                using var g2 = g.Reshape(-1, dim);
                Tensor src = g2;
                if (pad is int pi)
                {
                    using var isPad = idx.Eq(pi);
                    using var mask = isPad.Unsqueeze(1);
                    src = g2.MaskedFill(mask, 0);
                }
                var gw = Tensor.Zeros(new[] { v, dim }, g.DType, g.Device);
                using var ex = idx.View(new[] { idx.Size(0), dim }, new[] { idx.Strides[0], 0 }, idx.StorageOffset);
                if (!gw.Backend.ScatterAdd(gw.Desc, 0, ex.Desc, src.Desc, out _))
                    throw new InvalidOperationException($"{op}: indices changed between forward and backward.");
                if (!ReferenceEquals(src, g2)) src.Dispose();
                n.Grads[0] = gw;
            });
        }
        return y;
    }
}
