using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// Comparisons return bool tensors and are not differentiable; Where routes gradients by the condition.
public sealed partial class Tensor
{
    public Tensor Eq(Tensor other) => BinaryKernel("eq", BinaryOp.Eq, this, other, DType.Bool);
    public Tensor Ne(Tensor other) => BinaryKernel("ne", BinaryOp.Ne, this, other, DType.Bool);
    public Tensor Lt(Tensor other) => BinaryKernel("lt", BinaryOp.Lt, this, other, DType.Bool);
    public Tensor Le(Tensor other) => BinaryKernel("le", BinaryOp.Le, this, other, DType.Bool);
    public Tensor Gt(Tensor other) => BinaryKernel("gt", BinaryOp.Gt, this, other, DType.Bool);
    public Tensor Ge(Tensor other) => BinaryKernel("ge", BinaryOp.Ge, this, other, DType.Bool);
    public Tensor LogicalAnd(Tensor other) => BinaryKernel("logical_and", BinaryOp.And, this, other, DType.Bool);
    public Tensor LogicalOr(Tensor other) => BinaryKernel("logical_or", BinaryOp.Or, this, other, DType.Bool);
    public Tensor LogicalNot() => UnaryKernel("logical_not", UnaryOp.Not, outDType: DType.Bool);

    public Tensor Eq(double v) => CompareScalar("eq", BinaryOp.Eq, v);
    public Tensor Ne(double v) => CompareScalar("ne", BinaryOp.Ne, v);
    public Tensor Lt(double v) => CompareScalar("lt", BinaryOp.Lt, v);
    public Tensor Le(double v) => CompareScalar("le", BinaryOp.Le, v);
    public Tensor Gt(double v) => CompareScalar("gt", BinaryOp.Gt, v);
    public Tensor Ge(double v) => CompareScalar("ge", BinaryOp.Ge, v);

    private Tensor CompareScalar(string op, BinaryOp kind, double v)
    {
        using var s = Scalar(v, DType.IsFloating() ? DType : (v == Math.Floor(v) ? DType : DType.Float64), Device);
        return BinaryKernel(op, kind, this, s, DType.Bool);
    }

    /// <summary>True where elements are NaN or infinite.</summary>
    public Tensor IsNonFinite() => UnaryKernel("isnonfinite", UnaryOp.IsNonFinite, outDType: DType.Bool);

    /// <summary>Elementwise cond ? a : b with broadcasting; cond must be bool.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"where: condition must be bool, got {condition.DType.Name()}.");
        CheckSameDevice("where", a, b);
        CheckSameDevice("where", condition, a);
        var shape = Strata.Shape.Broadcast("where", Strata.Shape.Broadcast("where", condition._shape, a._shape), b._shape);
        var dt = DTypeInfo.Promote(a.DType, b.DType);
        using var ac = a.DType == dt ? null : a.ConvertNoGrad(dt);
        using var bc = b.DType == dt ? null : b.ConvertNoGrad(dt);
        var cv = condition.BroadcastView("where", shape);
        var av = (ac ?? a).BroadcastView("where", shape);
        var bv = (bc ?? b).BroadcastView("where", shape);
        var y = Empty("where", shape, dt, a.Device);
        y.Backend.Where(cv.Desc, av.Desc, bv.Desc, y.Desc);
        if (!ReferenceEquals(cv, condition)) cv.Dispose();
        if (!ReferenceEquals(av, ac ?? a)) av.Dispose();
        if (!ReferenceEquals(bv, bc ?? b)) bv.Dispose();
        if (Engine.ShouldRecord(a, b))
        {
            Engine.Record(y, "where", new[] { a, b }, (g, n) =>
            {
                using var zero = ZerosLike(g);
                if (n.Needs(0)) n.Grads[0] = Where(condition, g, zero).SumTo(a._shape);
                if (n.Needs(1)) n.Grads[1] = Where(condition, zero, g).SumTo(b._shape);
            });
        }
        return y;
    }

    /// <summary>Replaces elements where <paramref name="mask"/> is true by <paramref name="value"/>.</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        using var v = Scalar(value, DType, Device);
        return Where(mask, v, this);
    }
}
