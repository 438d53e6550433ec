using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// Softmax and log-softmax along one dimension: one fused, max-subtracted backend pass forward and one backward.
public sealed partial class Tensor
{
    /// <summary>exp(x) / sum(exp(x)) along <paramref name="dim"/>, computed stably (the row maximum is subtracted first).</summary>
    public Tensor Softmax(int dim) => SoftmaxCore("softmax", dim, log: false);

    /// <summary>x - logsumexp(x) along <paramref name="dim"/>; more accurate than <c>Softmax(dim).Log()</c>.</summary>
    public Tensor LogSoftmax(int dim) => SoftmaxCore("log_softmax", dim, log: true);

    private Tensor SoftmaxCore(string op, int dim, bool log)
    {
        RequireFloating(op, this);
        if (Rank == 0)
        {
            if (dim is not (0 or -1))
                throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a 0-d tensor.");
            var v = Reshape(1);
            var r = v.SoftmaxCore(op, 0, log);
            return r.Reshape();
        }
        int d = NormalizeDim(op, dim);
        var y = Empty(op, _shape, DType, Device);
        // The kernel reduces over the last dimension, so every operand is seen with `d` swapped to the end.
        Backend.Softmax(DimLast(Desc, d), DimLast(y.Desc, d), log);
        if (Engine.ShouldRecord(this))
        {
            Engine.Record(y, op, new[] { this }, (g, n) =>
            {
                var gx = Empty(op, y._shape, y.DType, y.Device);
                gx.Backend.SoftmaxBackward(DimLast(y.Desc, d), DimLast(g.Desc, d), DimLast(gx.Desc, d), log);
                n.Grads[0] = gx;
            });
        }
        return y;
    }

    private static TensorDesc DimLast(in TensorDesc t, int d)
    {
        int last = t.Rank - 1;
        if (d == last) return t;
        var shape = (int[])t.Shape.Clone();
        var strides = (int[])t.Strides.Clone();
        (shape[d], shape[last]) = (shape[last], shape[d]);
        (strides[d], strides[last]) = (strides[last], strides[d]);
        return t.WithLayout(shape, strides, t.Offset);
    }
}
