using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// Broadcasting binary arithmetic. Gradients are summed back to each input's shape (SumTo).
public sealed partial class Tensor
{
    internal static void CheckSameDevice(string op, Tensor a, Tensor b)
    {
        if (a.Device != b.Device)
            throw new ArgumentException($"{op}: tensors are on different devices ({a.Device} and {b.Device}).");
    }

    /// <summary>Runs a broadcasting binary kernel, promoting dtypes; the result has <paramref name="outDType"/> or the promoted dtype.</summary>
    internal static Tensor BinaryKernel(string op, BinaryOp kind, Tensor a, Tensor b, DType? outDType = null, double alpha = 0, double beta = 0)
    {
        CheckSameDevice(op, a, b);
        // Comparison kernels always write one byte per element; a non-bool result (a 0/1 mask in the
        // input's dtype, as the max/min backward asks for) is a converted bool tensor, not bytes written
        // into float storage.
        if (kind is BinaryOp.Eq or BinaryOp.Ne or BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge or BinaryOp.And or BinaryOp.Or
            && outDType is { } odt && odt != DType.Bool)
        {
            using var mask = BinaryKernel(op, kind, a, b, DType.Bool);
            return mask.ConvertNoGrad(odt);
        }
        var shape = Strata.Shape.Broadcast(op, a._shape, b._shape);
        var dt = DTypeInfo.Promote(a.DType, b.DType);
        Tensor ac = a.DType == dt ? a : a.ConvertNoGrad(dt);
        Tensor bc = b.DType == dt ? b : b.ConvertNoGrad(dt);
        var av = ac.BroadcastView(op, shape);
        var bv = bc.BroadcastView(op, shape);
        var y = Empty(op, shape, outDType ?? dt, a.Device);
        y.Backend.Binary(kind, av.Desc, bv.Desc, y.Desc, alpha, beta);
        if (!ReferenceEquals(av, ac)) av.Dispose();
        if (!ReferenceEquals(bv, bc)) bv.Dispose();
        if (!ReferenceEquals(ac, a)) ac.Dispose();
        if (!ReferenceEquals(bc, b)) bc.Dispose();
        return y;
    }

    internal Tensor ConvertNoGrad(DType dtype)
    {
        var y = Empty("to", _shape, dtype, Device);
        Backend.Copy(Desc, y.Desc);
        return y;
    }

    internal Tensor UnaryKernel(string op, UnaryOp kind, double alpha = 0, double beta = 0, DType? outDType = null)
    {
        var y = Empty(op, _shape, outDType ?? DType, Device);
        Backend.Unary(kind, Desc, y.Desc, alpha, beta);
        return y;
    }

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/>.</summary>
    internal Tensor SumTo(int[] shape)
    {
        if (_shape.AsSpan().SequenceEqual(shape)) return this;
        int lead = Rank - shape.Length;
        // Plain arrays, no List/LINQ: this runs for every broadcast gradient in every training step.
        int count = 0;
        for (int i = 0; i < Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && _shape[i] != 1)) count++;
        var dims = new int[count];
        count = 0;
        for (int i = 0; i < Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && _shape[i] != 1)) dims[count++] = i;
        var s = Sum(dims, keepDim: true);
        return s.Rank == shape.Length && s._shape.AsSpan().SequenceEqual(shape) ? s : s.Reshape(shape);
    }

    private static void RequireFloating(string op, Tensor t)
    {
        if (!t.DType.IsFloating()) throw new ArgumentException($"{op}: needs a floating-point tensor, got {t.DType.Name()} of shape {t.Shape}.");
    }

    public Tensor Add(Tensor other)
    {
        var y = BinaryKernel("add", BinaryOp.Add, this, other);
        if (Engine.ShouldRecord(this, other))
        {
            var (sa, sb) = (_shape, other._shape);
            Engine.Record(y, "add", new[] { this, other }, (g, n) =>
            {
                if (n.Needs(0)) n.Grads[0] = g.SumTo(sa);
                if (n.Needs(1)) n.Grads[1] = g.SumTo(sb);
            });
        }
        return y;
    }

    public Tensor Sub(Tensor other)
    {
        var y = BinaryKernel("sub", BinaryOp.Sub, this, other);
        if (Engine.ShouldRecord(this, other))
        {
            var (sa, sb) = (_shape, other._shape);
            Engine.Record(y, "sub", new[] { this, other }, (g, n) =>
            {
                if (n.Needs(0)) n.Grads[0] = g.SumTo(sa);
                if (n.Needs(1)) n.Grads[1] = g.Neg().SumTo(sb);
            });
        }
        return y;
    }

    public Tensor Mul(Tensor other)
    {
        var y = BinaryKernel("mul", BinaryOp.Mul, this, other);
        if (Engine.ShouldRecord(this, other))
        {
            var (a, b) = (this, other);
            Engine.Record(y, "mul", new[] { this, other }, (g, n) =>
            {
                if (n.Needs(0)) n.Grads[0] = g.Mul(b).SumTo(a._shape);
                if (n.Needs(1)) n.Grads[1] = g.Mul(a).SumTo(b._shape);
            });
        }
        return y;
    }

    /// <summary>True division: integer and bool operands give a float32 result, as in PyTorch.</summary>
    public Tensor Div(Tensor other)
    {
        if (!DTypeInfo.Promote(DType, other.DType).IsFloating())
        {
            // Neither side is floating, so neither can require grad: plain conversions suffice.
            using var a = ConvertNoGrad(DType.Float32);
            using var b = other.ConvertNoGrad(DType.Float32);
            return BinaryKernel("div", BinaryOp.Div, a, b);
        }
        var y = BinaryKernel("div", BinaryOp.Div, this, other);
        if (Engine.ShouldRecord(this, other))
        {
            var (a, b) = (this, other);
            Engine.Record(y, "div", new[] { this, other }, (g, n) =>
            {
                if (n.Needs(0)) n.Grads[0] = g.Div(b).SumTo(a._shape);
                if (n.Needs(1)) n.Grads[1] = g.Mul(y).Div(b).Neg().SumTo(b._shape);
            });
        }
        return y;
    }

    /// <summary>Elementwise power with a tensor exponent.</summary>
    public Tensor Pow(Tensor exponent)
    {
        RequireFloating("pow", this);
        var y = BinaryKernel("pow", BinaryOp.Pow, this, exponent);
        if (Engine.ShouldRecord(this, exponent))
        {
            var (a, b) = (this, exponent);
            Engine.Record(y, "pow", new[] { this, exponent }, (g, n) =>
            {
                if (n.Needs(0)) n.Grads[0] = g.Mul(b).Mul(a.Pow(b.Sub(1.0))).SumTo(a._shape);
                if (n.Needs(1)) n.Grads[1] = g.Mul(y).Mul(a.Log()).SumTo(b._shape);
            });
        }
        return y;
    }

    /// <summary>Elementwise maximum; on ties the gradient is split evenly.</summary>
    public Tensor Maximum(Tensor other) => MinMax("maximum", BinaryOp.Maximum, other, BinaryOp.Gt);

    /// <summary>Elementwise minimum; on ties the gradient is split evenly.</summary>
    public Tensor Minimum(Tensor other) => MinMax("minimum", BinaryOp.Minimum, other, BinaryOp.Lt);

    private Tensor MinMax(string op, BinaryOp kind, Tensor other, BinaryOp wins)
    {
        var y = BinaryKernel(op, kind, this, other);
        if (Engine.ShouldRecord(this, other))
        {
            var (a, b) = (this, other);
            Engine.Record(y, op, new[] { this, other }, (g, n) =>
            {
                // weight for a: 1 where a wins, 0.5 on ties, 0 where b wins.
                using var aw = BinaryKernel(op, wins, a, b, g.DType);
                using var tie = BinaryKernel(op, BinaryOp.Eq, a, b, g.DType);
                using var wa = aw.AddNoGrad(tie, 0.5);
                if (n.Needs(0)) n.Grads[0] = g.Mul(wa).SumTo(a._shape);
                if (n.Needs(1))
                {
                    using var wb = wa.AffineNoGrad(-1, 1);
                    n.Grads[1] = g.Mul(wb).SumTo(b._shape);
                }
            });
        }
        return y;
    }

    internal Tensor AddNoGrad(Tensor other, double otherScale)
    {
        using var s = other.AffineNoGrad(otherScale, 0);
        return BinaryKernel("add", BinaryOp.Add, this, s);
    }

    internal Tensor AffineNoGrad(double alpha, double beta) => UnaryKernel("affine", UnaryOp.Affine, alpha, beta);

    public Tensor Neg()
    {
        var y = UnaryKernel("neg", UnaryOp.Neg);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "neg", new[] { this }, static (g, n) => n.Grads[0] = g.Neg());
        return y;
    }

    /// <summary>alpha * x + beta in one kernel (what scalar add/sub/mul compile to).</summary>
    public Tensor Affine(double alpha, double beta)
    {
        if (!DType.IsFloating() && (alpha != Math.Floor(alpha) || beta != Math.Floor(beta)))
            return ConvertNoGrad(DType.Float32).Affine(alpha, beta);
        var y = UnaryKernel("affine", UnaryOp.Affine, alpha, beta);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "affine", new[] { this }, (g, n) => n.Grads[0] = alpha == 1 ? g : g.Affine(alpha, 0));
        return y;
    }

    public Tensor Add(double s) => Affine(1, s);
    public Tensor Sub(double s) => Affine(1, -s);
    public Tensor Mul(double s) => Affine(s, 0);
    // True division: an integer tensor divided by any scalar (even 1) is float32, as in PyTorch.
    public Tensor Div(double s)
    {
        if (DType.IsFloating()) return Affine(1.0 / s, 0);
        using var f = ConvertNoGrad(DType.Float32); // integer tensors never require grad: the temp is ours
        return f.Affine(1.0 / s, 0);
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    public static Tensor operator +(double s, Tensor a) => a.Add(s);
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);
    public static Tensor operator -(double s, Tensor a) => a.Affine(-1, s);
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    public static Tensor operator /(Tensor a, double s) => a.Div(s);
    public static Tensor operator /(double s, Tensor a) => a.Reciprocal().Mul(s);
}
