using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// Matrix products. Transposes in the backward pass are stride views: the GEMM kernel reads them directly.
public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is promoted to a matrix and
    /// the added dimension removed afterwards, and leading (batch) dimensions broadcast.
    /// </summary>
    public static Tensor Matmul(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"matmul: both operands need at least one dimension, got shapes {a.Shape} and {b.Shape}.");
        int ka = a._shape[^1], kb = b.Rank == 1 ? b._shape[0] : b._shape[^2];
        if (ka != kb) // checked here so the message names the shapes the caller passed, not the promoted ones
            throw new ArgumentException($"matmul: inner dimensions differ: {a.Shape} · {b.Shape} ({ka} vs {kb}).");
        // The temporaries below are graph nodes when gradients are recorded, so they are only disposed when not.
        if (a.Rank == 1 && b.Rank == 1)
        {
            var a2 = a.Unsqueeze(0);
            var b2 = b.Unsqueeze(1);
            var m = Matmul(a2, b2);
            return Finish(m.Reshape(), a2, b2, m);
        }
        if (a.Rank == 1)
        {
            var a2 = a.Unsqueeze(0);
            var m = Matmul(a2, b);
            return Finish(m.Squeeze(-2), a2, m);
        }
        if (b.Rank == 1)
        {
            var b2 = b.Unsqueeze(1);
            var m = Matmul(a, b2);
            return Finish(m.Squeeze(-1), b2, m);
        }
        return MatmulNd(a, b);
    }

    public Tensor Matmul(Tensor other) => Matmul(this, other);

    private static Tensor MatmulNd(Tensor a, Tensor b)
    {
        CheckSameDevice("matmul", a, b);
        if (a.DType != b.DType)
            throw new ArgumentException($"matmul: dtypes differ ({a.DType.Name()} {a.Shape} and {b.DType.Name()} {b.Shape}); convert one with To().");
        if (!a.DType.IsFloating())
            throw new ArgumentException($"matmul: needs floating-point operands, got {a.DType.Name()}.");
        int m = a._shape[^2], k = a._shape[^1], k2 = b._shape[^2], n = b._shape[^1];
        if (k != k2)
            throw new ArgumentException($"matmul: inner dimensions differ: {a.Shape} · {b.Shape} ({k} vs {k2}).");

        // [.., M, K] · [K, N]: fold the batch into M so one large GEMM runs instead of many small ones.
        if (b.Rank == 2 && a.Rank > 2 && a.IsContiguous)
        {
            var outShape = a._shape.ToArray();
            outShape[^1] = n;
            var a2 = a.Reshape(-1, k);
            var y2 = MatmulNd(a2, b);
            return Finish(y2.Reshape(outShape), a2, y2);
        }

        var batch = Strata.Shape.Broadcast("matmul", a._shape.AsSpan(0, a.Rank - 2), b._shape.AsSpan(0, b.Rank - 2));
        var yShape = WithMatrix(batch, m, n);
        var y = Empty("matmul", yShape, a.DType, a.Device);
        int bsz = 1;
        foreach (var d in batch) bsz *= d;
        var aBatched = AsBatched(a, batch, bsz, out var aTmp);
        var bBatched = AsBatched(b, batch, bsz, out var bTmp);
        var yDesc = new TensorDesc(y.Buffer, y.DType, new[] { bsz, m, n }, new[] { m * n, n, 1 }, 0);
        y.Backend.Matmul(aBatched, bBatched, yDesc);
        aTmp?.Dispose();
        bTmp?.Dispose();

        if (Engine.ShouldRecord(a, b))
        {
            Engine.Record(y, "matmul", new[] { a, b }, (g, node) =>
            {
                if (node.Needs(0))
                {
                    using var bt = b.Transpose(-1, -2);
                    using var ga = MatmulNd(g, bt);
                    node.Grads[0] = ga.SumTo(a._shape);
                    if (ReferenceEquals(node.Grads[0], ga)) node.Grads[0] = ga.Detach();
                }
                if (node.Needs(1))
                {
                    using var at = a.Transpose(-1, -2);
                    using var gb = MatmulNd(at, g);
                    node.Grads[1] = gb.SumTo(b._shape);
                    if (ReferenceEquals(node.Grads[1], gb)) node.Grads[1] = gb.Detach();
                }
            });
        }
        return y;
    }

    // A [B, rows, cols] description of t broadcast to `batch`, copying only when the batch dims cannot share one stride.
    private static TensorDesc AsBatched(Tensor t, int[] batch, int bsz, out Tensor? temp)
    {
        temp = null;
        int r = t._shape[^2], c = t._shape[^1];
        int rs = t._strides[^2], cs = t._strides[^1];
        int lead = batch.Length - (t.Rank - 2);
        int? batchStride = null;
        bool ok = true;
        int expected = -1;
        for (int i = batch.Length - 1; i >= 0; i--)
        {
            int ti = i - lead;
            int size = ti >= 0 ? t._shape[ti] : 1;
            int stride = ti >= 0 ? t._strides[ti] : 0;
            if (batch[i] == 1) continue;
            if (size == 1) stride = 0;
            if (batchStride == null) { batchStride = stride; expected = stride * batch[i]; continue; }
            if (stride == 0 && batchStride == 0) continue;
            if (stride != expected) { ok = false; break; }
            expected = stride * batch[i];
        }
        if (ok)
            return new TensorDesc(t.Buffer, t.DType, new[] { bsz, r, c }, new[] { batchStride ?? 0, rs, cs }, t._offset);
        var full = WithMatrix(batch, r, c);
        var view = t.BroadcastView("matmul", full);
        temp = view.ConvertContiguous();
        // BroadcastView returns t itself when no broadcast is needed; only a new view is ours to dispose.
        if (!ReferenceEquals(view, t)) view.Dispose();
        return new TensorDesc(temp.Buffer, temp.DType, new[] { bsz, r, c }, new[] { r * c, c, 1 }, 0);
    }

    // batch dims followed by [rows, cols] (no LINQ: matmul runs in every training step).
    private static int[] WithMatrix(int[] batch, int rows, int cols)
    {
        var shape = new int[batch.Length + 2];
        batch.CopyTo(shape, 0);
        shape[^2] = rows;
        shape[^1] = cols;
        return shape;
    }

    private Tensor ConvertContiguous()
    {
        var y = Empty("contiguous", _shape, DType, Device);
        Backend.Copy(Desc, y.Desc);
        return y;
    }
}
