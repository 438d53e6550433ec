using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// Reductions over any set of dimensions, with keepDim. The input is permuted (a view) so that the reduced
// dimensions come last, which is the one layout the backend's reduce kernel needs.
public sealed partial class Tensor
{
    private (int[] dims, bool[] reduced) ReduceDims(string op, int[]? dims)
    {
        var reduced = new bool[Rank];
        if (dims == null || dims.Length == 0)
        {
            Array.Fill(reduced, true);
        }
        else
        {
            foreach (var d in dims)
            {
                int nd = NormalizeDim(op, d);
                if (reduced[nd]) throw new ArgumentException($"{op}: dimension {d} appears twice in [{string.Join(", ", dims)}].");
                reduced[nd] = true;
            }
        }
        // Plain arrays, no List: reductions run many times per training step.
        int count = 0;
        foreach (var r in reduced) if (r) count++;
        var list = new int[count];
        count = 0;
        for (int i = 0; i < Rank; i++) if (reduced[i]) list[count++] = i;
        return (list, reduced);
    }

    private int[] KeptShape(bool[] reduced, bool keepDim)
    {
        int count = 0;
        for (int i = 0; i < Rank; i++) if (!reduced[i] || keepDim) count++;
        var s = new int[count];
        count = 0;
        for (int i = 0; i < Rank; i++)
            if (!reduced[i]) s[count++] = _shape[i];
            else if (keepDim) s[count++] = 1;
        return s;
    }

    private Tensor ReduceRaw(string op, ReduceOp kind, bool[] reduced, bool keepDim, DType? outType = null)
    {
        var perm = new int[Rank];
        int k = 0;
        for (int i = 0; i < Rank; i++) if (!reduced[i]) perm[k++] = i;
        int kept = k;
        for (int i = 0; i < Rank; i++) if (reduced[i]) perm[k++] = i;
        var pShape = new int[Rank];
        var pStrides = new int[Rank];
        for (int i = 0; i < Rank; i++) { pShape[i] = _shape[perm[i]]; pStrides[i] = _strides[perm[i]]; }
        var outShape = KeptShape(reduced, keepDim);
        var keptOnly = pShape[..kept];
        var y = Empty(op, outShape, outType ?? DType, Device);
        var yDesc = new TensorDesc(y.Buffer, y.DType, keptOnly, Strata.Shape.ContiguousStrides(keptOnly), 0);
        var x = new TensorDesc(Buffer, DType, pShape, pStrides, _offset);
        if (outType.HasValue && outType.Value != DType)
        {
            using var xc = ConvertNoGrad(outType.Value);
            var xd = new TensorDesc(xc.Buffer, xc.DType, pShape, Permuted(xc._strides, perm), 0);
            Backend.Reduce(kind, xd, Rank - kept, yDesc);
        }
        else Backend.Reduce(kind, x, Rank - kept, yDesc);
        return y;
    }

    private static int[] Permuted(int[] strides, int[] perm)
    {
        var r = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) r[i] = strides[perm[i]];
        return r;
    }

    /// <summary>Sum over <paramref name="dims"/> (all when null). Bool and int32 sum to int64, as in PyTorch.</summary>
    public Tensor Sum(int[]? dims = null, bool keepDim = false)
    {
        var (_, reduced) = ReduceDims("sum", dims);
        DType? outType = DType is DType.Bool or DType.Int32 ? DType.Int64 : null;
        var y = ReduceRaw("sum", ReduceOp.Sum, reduced, keepDim, outType);
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            var keepShape = KeptShape(reduced, true);
            Engine.Record(y, "sum", new[] { this }, (g, n) => n.Grads[0] = g.Reshape(keepShape).BroadcastTo(inShape));
        }
        return y;
    }

    public Tensor Sum(int dim, bool keepDim = false) => Sum(new[] { dim }, keepDim);

    public Tensor Mean(int[]? dims = null, bool keepDim = false)
    {
        RequireFloating("mean", this);
        var (_, reduced) = ReduceDims("mean", dims);
        var y = ReduceRaw("mean", ReduceOp.Mean, reduced, keepDim);
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            var keepShape = KeptShape(reduced, true);
            long count = 1;
            for (int i = 0; i < Rank; i++) if (reduced[i]) count *= _shape[i];
            Engine.Record(y, "mean", new[] { this }, (g, n) => n.Grads[0] = g.Reshape(keepShape).Div(count).BroadcastTo(inShape));
        }
        return y;
    }

    public Tensor Mean(int dim, bool keepDim = false) => Mean(new[] { dim }, keepDim);

    /// <summary>Maximum over <paramref name="dims"/> (all when null); ties share the gradient evenly.</summary>
    public Tensor Max(int[]? dims = null, bool keepDim = false) => Extremum("max", ReduceOp.Max, dims, keepDim);

    public Tensor Max(int dim, bool keepDim = false) => Max(new[] { dim }, keepDim);

    /// <summary>Minimum over <paramref name="dims"/> (all when null); ties share the gradient evenly.</summary>
    public Tensor Min(int[]? dims = null, bool keepDim = false) => Extremum("min", ReduceOp.Min, dims, keepDim);

    public Tensor Min(int dim, bool keepDim = false) => Min(new[] { dim }, keepDim);

    private Tensor Extremum(string op, ReduceOp kind, int[]? dims, bool keepDim)
    {
        var (_, reduced) = ReduceDims(op, dims);
        if (Numel == 0) throw new ArgumentException($"{op}: cannot reduce an empty tensor of shape {Shape}.");
        var y = ReduceRaw(op, kind, reduced, keepDim);
        if (Engine.ShouldRecord(this))
        {
            var keepShape = KeptShape(reduced, true);
            var reducedDims = ReduceDims(op, dims).dims;
            Engine.Record(y, op, new[] { this }, (g, n) =>
            {
                using var yk = y.Reshape(keepShape);
                using var mask = BinaryKernel(op, BinaryOp.Eq, this, yk, DType);
                using var count = mask.Sum(reducedDims, keepDim: true);
                using var gk = g.Reshape(keepShape);
                using var share = gk.Div(count);
                n.Grads[0] = mask.Mul(share);
            });
        }
        return y;
    }

    /// <summary>log(sum(exp(x))) over <paramref name="dims"/>, computed stably.</summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        RequireFloating("logsumexp", this);
        var (_, reduced) = ReduceDims("logsumexp", dims);
        var y = ReduceRaw("logsumexp", ReduceOp.LogSumExp, reduced, keepDim);
        if (Engine.ShouldRecord(this))
        {
            var keepShape = KeptShape(reduced, true);
            Engine.Record(y, "logsumexp", new[] { this }, (g, n) =>
            {
                using var yk = y.Reshape(keepShape);
                using var d = Sub(yk);
                using var p = d.Exp();
                n.Grads[0] = p.Mul(g.Reshape(keepShape));
            });
        }
        return y;
    }

    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp(new[] { dim }, keepDim);

    /// <summary>Variance with Bessel's correction by default (correction 1), as PyTorch.</summary>
    public Tensor Var(int[]? dims = null, bool keepDim = false, int correction = 1)
    {
        RequireFloating("var", this);
        var (rd, reduced) = ReduceDims("var", dims);
        long count = 1;
        for (int i = 0; i < Rank; i++) if (reduced[i]) count *= _shape[i];
        var mean = Mean(rd, keepDim: true);
        var diff = Sub(mean);
        var sq = diff.Square();
        var s = sq.Sum(rd, keepDim);
        return Finish(s.Div(Math.Max(0, count - correction)), mean, diff, sq, s);
    }

    public Tensor Var(int dim, bool keepDim = false, int correction = 1) => Var(new[] { dim }, keepDim, correction);

    public Tensor Std(int[]? dims = null, bool keepDim = false, int correction = 1)
    {
        var v = Var(dims, keepDim, correction);
        return Finish(v.Sqrt(), v);
    }

    public Tensor Std(int dim, bool keepDim = false, int correction = 1) => Std(new[] { dim }, keepDim, correction);

    /// <summary>Index (int64) of the largest element along <paramref name="dim"/>, or of the flattened tensor when null.</summary>
    public Tensor Argmax(int? dim = null, bool keepDim = false) => ArgReduce("argmax", ArgReduceOp.ArgMax, dim, keepDim);

    public Tensor Argmin(int? dim = null, bool keepDim = false) => ArgReduce("argmin", ArgReduceOp.ArgMin, dim, keepDim);

    private Tensor ArgReduce(string op, ArgReduceOp kind, int? dim, bool keepDim)
    {
        if (dim == null)
        {
            using var flat = Reshape(-1);
            return flat.ArgReduce(op, kind, 0, false);
        }
        int d = NormalizeDim(op, dim.Value);
        if (_shape[d] == 0) throw new ArgumentException($"{op}: cannot reduce over empty dimension {d} of shape {Shape}.");
        var reduced = new bool[Rank];
        reduced[d] = true;
        var perm = new List<int>();
        for (int i = 0; i < Rank; i++) if (i != d) perm.Add(i);
        perm.Add(d);
        var pShape = perm.Select(i => _shape[i]).ToArray();
        var pStrides = perm.Select(i => _strides[i]).ToArray();
        var y = Empty(op, KeptShape(reduced, keepDim), DType.Int64, Device);
        var kept = pShape[..^1];
        Backend.ArgReduce(kind, new TensorDesc(Buffer, DType, pShape, pStrides, _offset),
            new TensorDesc(y.Buffer, DType.Int64, kept, Strata.Shape.ContiguousStrides(kept), 0));
        return y;
    }
}
