using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// Elementwise math functions with their derivatives.
public sealed partial class Tensor
{
    private Tensor FloatUnary(string op, UnaryOp kind, double alpha = 0, double beta = 0)
    {
        RequireFloating(op, this);
        return UnaryKernel(op, kind, alpha, beta);
    }

    public Tensor Exp()
    {
        var y = FloatUnary("exp", UnaryOp.Exp);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "exp", new[] { this }, (g, n) => n.Grads[0] = g.Mul(y));
        return y;
    }

    public Tensor Log()
    {
        var y = FloatUnary("log", UnaryOp.Log);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "log", new[] { this }, (g, n) => n.Grads[0] = g.Div(this));
        return y;
    }

    public Tensor Sqrt()
    {
        var y = FloatUnary("sqrt", UnaryOp.Sqrt);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "sqrt", new[] { this }, (g, n) => n.Grads[0] = g.Div(y).Mul(0.5));
        return y;
    }

    /// <summary>1 / sqrt(x).</summary>
    public Tensor Rsqrt()
    {
        var y = FloatUnary("rsqrt", UnaryOp.Rsqrt);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "rsqrt", new[] { this }, (g, n) => n.Grads[0] = g.Mul(y.Pow(3.0)).Mul(-0.5));
        return y;
    }

    public Tensor Abs()
    {
        var y = UnaryKernel("abs", UnaryOp.Abs);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "abs", new[] { this }, (g, n) => n.Grads[0] = g.Mul(Sign()));
        return y;
    }

    /// <summary>-1, 0 or 1 (not differentiable: its gradient is zero).</summary>
    public Tensor Sign() => UnaryKernel("sign", UnaryOp.Sign);

    public Tensor Square()
    {
        var y = UnaryKernel("square", UnaryOp.Square);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "square", new[] { this }, (g, n) => n.Grads[0] = g.Mul(this).Mul(2.0));
        return y;
    }

    public Tensor Reciprocal()
    {
        var y = FloatUnary("reciprocal", UnaryOp.Reciprocal);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "reciprocal", new[] { this }, (g, n) => n.Grads[0] = g.Mul(y).Mul(y).Neg());
        return y;
    }

    /// <summary>x raised to a constant power.</summary>
    public Tensor Pow(double exponent)
    {
        var y = FloatUnary("pow", UnaryOp.PowScalar, exponent);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "pow", new[] { this }, (g, n) => n.Grads[0] = exponent == 2 ? g.Mul(this).Mul(2.0) : g.Mul(Pow(exponent - 1)).Mul(exponent));
        return y;
    }

    /// <summary>Limits values to [min, max]; the gradient is zero outside.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
        if (lo > hi) throw new ArgumentException($"clamp: min {lo} is greater than max {hi}.");
        var y = UnaryKernel("clamp", UnaryOp.Clamp, lo, hi);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "clamp", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("clamp", BinaryOp.ClampGrad, g, this, null, lo, hi));
        return y;
    }

    // Activations: fused gradient kernels read the saved input (or output) once.

    public Tensor Relu()
    {
        var y = UnaryKernel("relu", UnaryOp.Relu);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "relu", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("relu", BinaryOp.ReluGrad, g, y));
        return y;
    }

    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var y = FloatUnary("leaky_relu", UnaryOp.LeakyRelu, negativeSlope);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "leaky_relu", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("leaky_relu", BinaryOp.LeakyReluGrad, g, this, null, negativeSlope));
        return y;
    }

    public Tensor Elu(double alpha = 1.0)
    {
        var y = FloatUnary("elu", UnaryOp.Elu, alpha);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "elu", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("elu", BinaryOp.EluGrad, g, this, null, alpha));
        return y;
    }

    /// <summary>GELU with the exact (erf) form, PyTorch's default.</summary>
    public Tensor Gelu()
    {
        var y = FloatUnary("gelu", UnaryOp.Gelu);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "gelu", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("gelu", BinaryOp.GeluGrad, g, this));
        return y;
    }

    public Tensor Sigmoid()
    {
        var y = FloatUnary("sigmoid", UnaryOp.Sigmoid);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "sigmoid", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("sigmoid", BinaryOp.SigmoidGrad, g, y));
        return y;
    }

    public Tensor Tanh()
    {
        var y = FloatUnary("tanh", UnaryOp.Tanh);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "tanh", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("tanh", BinaryOp.TanhGrad, g, y));
        return y;
    }

    /// <summary>log(1 + exp(x)), computed without overflow.</summary>
    public Tensor Softplus()
    {
        var y = FloatUnary("softplus", UnaryOp.Softplus);
        if (Engine.ShouldRecord(this)) Engine.Record(y, "softplus", new[] { this }, (g, n) => n.Grads[0] = BinaryKernel("softplus", BinaryOp.SoftplusGrad, g, this));
        return y;
    }
}
