namespace Strata.NN;

/// <summary>
/// Weight initialisers (in place, without recording autograd). Fans follow PyTorch/Keras: for a weight of shape
/// [out, in, k...] (Dense [out,in], Conv [out, in/groups, kh, kw]) fanIn = in·∏k and fanOut = out·∏k; a 1-d tensor has fanIn = fanOut = its length.
/// </summary>
public static class Init
{
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank == 0) return (1, 1);
        if (shape.Rank == 1) return (shape[0], shape[0]);
        int receptive = 1;
        for (int i = 2; i < shape.Rank; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    private static Tensor Uniform(Tensor t, double bound, Generator? g)
    {
        using (Autograd.GradMode.NoGrad()) t.Uniform_(-bound, bound, g);
        return t;
    }

    private static Tensor Normal(Tensor t, double std, Generator? g)
    {
        using (Autograd.GradMode.NoGrad()) t.Normal_(0, std, g);
        return t;
    }

    /// <summary>Xavier/Glorot uniform: U(−a, a), a = gain·√(6/(fanIn+fanOut)).</summary>
    public static Tensor GlorotUniform(Tensor t, Generator? g = null, double gain = 1.0)
    {
        var (fi, fo) = Fans(t.Shape);
        return Uniform(t, gain * Math.Sqrt(6.0 / (fi + fo)), g);
    }

    /// <summary>Xavier/Glorot normal: N(0, σ²), σ = gain·√(2/(fanIn+fanOut)).</summary>
    public static Tensor GlorotNormal(Tensor t, Generator? g = null, double gain = 1.0)
    {
        var (fi, fo) = Fans(t.Shape);
        return Normal(t, gain * Math.Sqrt(2.0 / (fi + fo)), g);
    }

    /// <summary>Kaiming/He uniform (fan-in mode): U(−a, a), a = √(6/fanIn).</summary>
    public static Tensor HeUniform(Tensor t, Generator? g = null) => Uniform(t, Math.Sqrt(6.0 / Fans(t.Shape).FanIn), g);

    /// <summary>Kaiming/He normal (fan-in mode): σ = √(2/fanIn).</summary>
    public static Tensor HeNormal(Tensor t, Generator? g = null) => Normal(t, Math.Sqrt(2.0 / Fans(t.Shape).FanIn), g);

    /// <summary>LeCun uniform: U(−a, a), a = √(3/fanIn).</summary>
    public static Tensor LecunUniform(Tensor t, Generator? g = null) => Uniform(t, Math.Sqrt(3.0 / Fans(t.Shape).FanIn), g);

    /// <summary>LeCun normal: σ = √(1/fanIn).</summary>
    public static Tensor LecunNormal(Tensor t, Generator? g = null) => Normal(t, Math.Sqrt(1.0 / Fans(t.Shape).FanIn), g);

    /// <summary>PyTorch's default Linear/Conv weight init: kaiming_uniform(a=√5), i.e. U(−a, a), a = 1/√fanIn.</summary>
    public static Tensor TorchDefaultUniform(Tensor t, Generator? g = null) => Uniform(t, 1.0 / Math.Sqrt(Fans(t.Shape).FanIn), g);

    /// <summary>PyTorch's default Linear/Conv bias init: U(−a, a), a = 1/√fanIn with the fanIn of the layer's weight.</summary>
    public static Tensor TorchDefaultBias(Tensor bias, int weightFanIn, Generator? g = null) => Uniform(bias, 1.0 / Math.Sqrt(weightFanIn), g);

    public static Tensor Zeros(Tensor t, Generator? g = null)
    {
        using (Autograd.GradMode.NoGrad()) t.Fill_(0);
        return t;
    }

    public static Tensor Ones(Tensor t, Generator? g = null)
    {
        using (Autograd.GradMode.NoGrad()) t.Fill_(1);
        return t;
    }

    /// <summary>
    /// (Semi-)orthogonal init on the host: the tensor is viewed as [rows = shape[0], cols = ∏rest], a Gaussian matrix is
    /// orthonormalised by modified Gram–Schmidt (on the smaller side), so W·Wᵀ = I when rows ≤ cols (else Wᵀ·W = I), times gain.
    /// </summary>
    public static Tensor Orthogonal(Tensor t, Generator? g = null, double gain = 1.0)
    {
        if (t.Shape.Rank < 2) throw new ArgumentException($"Init.Orthogonal: needs a tensor with at least 2 dims, got shape {t.Shape}.");
        int rows = t.Shape[0];
        int cols = (int)(t.Numel / rows);
        bool transpose = rows > cols;
        int n = transpose ? cols : rows, m = transpose ? rows : cols; // n vectors of length m, n <= m
        var a = Tensor.Randn(new[] { n, m }, g, DType.Float64).ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int j = 0; j < i; j++)
                {
                    double dot = 0;
                    for (int k = 0; k < m; k++) dot += a[i * m + k] * a[j * m + k];
                    for (int k = 0; k < m; k++) a[i * m + k] -= dot * a[j * m + k];
                }
            double norm = 0;
            for (int k = 0; k < m; k++) norm += a[i * m + k] * a[i * m + k];
            norm = Math.Sqrt(norm);
            for (int k = 0; k < m; k++) a[i * m + k] /= norm;
        }
        var result = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                result[r * cols + c] = gain * (transpose ? a[c * m + r] : a[r * m + c]);
        using (Autograd.GradMode.NoGrad())
        {
            var src = t.DType == DType.Float32 ? Tensor.FromArray(result.Select(v => (float)v).ToArray(), t.Shape.ToArray()) : Tensor.FromArray(result, t.Shape.ToArray());
            t.CopyFrom(src);
        }
        return t;
    }
}
