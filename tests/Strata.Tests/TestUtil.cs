using Strata;
using Strata.Autograd;
using Xunit;

namespace Strata.Tests;

internal static class TestUtil
{
    /// <summary>A float64 leaf with values uniform in [lo, hi) from a fixed seed.</summary>
    public static Tensor Leaf(ulong seed, params int[] shape) => Leaf(seed, -1, 1, shape);

    public static Tensor Leaf(ulong seed, double lo, double hi, params int[] shape)
    {
        var t = Tensor.Uniform(shape, lo, hi, new Generator(seed), DType.Float64);
        TensorScope.Current?.Keep(t);
        t.RequiresGrad = true;
        return t;
    }

    public static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        Assert.True(r.Passed, r.ToString());
    }

    public static void AssertClose(double[] expected, double[] actual, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = atol + rtol * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol || (double.IsNaN(expected[i]) && double.IsNaN(actual[i])),
                $"element {i}: expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }
}
