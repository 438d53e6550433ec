namespace Strata.Backends;

/// <summary>Elementwise functions of one input. <c>alpha</c>/<c>beta</c> carry the scalar parameters where an op has them.</summary>
public enum UnaryOp
{
    Neg, Exp, Log, Sqrt, Rsqrt, Abs, Sign, Square, Reciprocal,
    Relu, Sigmoid, Tanh, Gelu, Softplus,
    /// <summary>ELU with alpha.</summary>
    Elu,
    /// <summary>Leaky ReLU with negative slope alpha.</summary>
    LeakyRelu,
    /// <summary>Clamp to [alpha, beta]; use ±infinity for an open side.</summary>
    Clamp,
    /// <summary>x^alpha.</summary>
    PowScalar,
    /// <summary>alpha * x + beta.</summary>
    Affine,
    /// <summary>1 where x is NaN or infinite.</summary>
    IsNonFinite,
    /// <summary>Logical not for bool tensors; x == 0 otherwise.</summary>
    Not,
}

/// <summary>Elementwise functions of two broadcast inputs. The *Grad ops are fused backward helpers: (upstream gradient, saved tensor).</summary>
public enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Maximum, Minimum,
    Eq, Ne, Lt, Le, Gt, Ge, And, Or,
    /// <summary>g * (x &gt; 0).</summary>
    ReluGrad,
    /// <summary>g * y * (1 - y), y = sigmoid output.</summary>
    SigmoidGrad,
    /// <summary>g * (1 - y²), y = tanh output.</summary>
    TanhGrad,
    /// <summary>g * gelu'(x).</summary>
    GeluGrad,
    /// <summary>g * softplus'(x) = g * sigmoid(x).</summary>
    SoftplusGrad,
    /// <summary>g * elu'(x) with alpha.</summary>
    EluGrad,
    /// <summary>g * (x &gt; 0 ? 1 : alpha).</summary>
    LeakyReluGrad,
    /// <summary>g where alpha ≤ x ≤ beta, else 0.</summary>
    ClampGrad,
}

/// <summary>Reductions over the trailing dimensions of a (possibly permuted) input.</summary>
public enum ReduceOp
{
    Sum, Mean, Max, Min, Prod, LogSumExp,
}

/// <summary>Index-returning reductions along one dimension.</summary>
public enum ArgReduceOp
{
    ArgMax, ArgMin,
}
