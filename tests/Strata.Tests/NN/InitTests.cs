using Strata;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

public class InitTests
{
    private static (double Mean, double Std, double MaxAbs) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average());
        return (mean, std, v.Max(Math.Abs));
    }

    [Fact]
    public void FansForDenseAndConv()
    {
        Assert.Equal((784, 128), Init.Fans(new Shape(128, 784)));
        Assert.Equal((32 * 9, 64 * 9), Init.Fans(new Shape(64, 32, 3, 3)));
    }

    [Fact]
    public void UniformInitialisersRespectBoundsAndStd()
    {
        var g = new Generator(30);
        // Dense [out=300, in=500]
        void Check(Func<Tensor, Generator, Tensor> init, int[] shape, double bound)
        {
            var t = init(Tensor.Zeros(shape, DType.Float64), g);
            var (mean, std, maxAbs) = Stats(t);
            Assert.True(maxAbs <= bound, $"max {maxAbs} > bound {bound}");
            Assert.True(maxAbs > 0.98 * bound, $"max {maxAbs} far below bound {bound}");
            Assert.True(Math.Abs(std - bound / Math.Sqrt(3)) < 0.02 * bound, $"std {std} vs {bound / Math.Sqrt(3)}");
            Assert.True(Math.Abs(mean) < 0.02 * bound);
        }
        Check((t, gg) => Init.GlorotUniform(t, gg), new[] { 300, 500 }, Math.Sqrt(6.0 / 800));
        Check((t, gg) => Init.HeUniform(t, gg), new[] { 300, 500 }, Math.Sqrt(6.0 / 500));
        Check((t, gg) => Init.LecunUniform(t, gg), new[] { 300, 500 }, Math.Sqrt(3.0 / 500));
        Check((t, gg) => Init.GlorotUniform(t, gg), new[] { 64, 32, 3, 3 }, Math.Sqrt(6.0 / (288 + 576)));
        Check((t, gg) => Init.HeUniform(t, gg), new[] { 64, 32, 3, 3 }, Math.Sqrt(6.0 / 288));
    }

    [Fact]
    public void NormalInitialisersHaveExpectedStd()
    {
        var g = new Generator(31);
        void Check(Func<Tensor, Generator, Tensor> init, int[] shape, double expected)
        {
            var (mean, std, _) = Stats(init(Tensor.Zeros(shape, DType.Float32), g));
            Assert.True(Math.Abs(std - expected) < 0.02 * expected, $"std {std} vs {expected}");
            Assert.True(Math.Abs(mean) < 0.02 * expected);
        }
        Check((t, gg) => Init.GlorotNormal(t, gg), new[] { 300, 500 }, Math.Sqrt(2.0 / 800));
        Check((t, gg) => Init.HeNormal(t, gg), new[] { 300, 500 }, Math.Sqrt(2.0 / 500));
        Check((t, gg) => Init.LecunNormal(t, gg), new[] { 300, 500 }, Math.Sqrt(1.0 / 500));
        Check((t, gg) => Init.HeNormal(t, gg), new[] { 64, 32, 3, 3 }, Math.Sqrt(2.0 / 288));
    }

    [Fact]
    public void ZerosAndOnes()
    {
        Assert.All(Init.Ones(Tensor.Zeros(3, 4)).ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(Init.Zeros(Tensor.Ones(3, 4)).ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(40, 100)]
    [InlineData(100, 40)]
    [InlineData(50, 50)]
    public void OrthogonalIsOrthonormal(int rows, int cols)
    {
        var w = Init.Orthogonal(Tensor.Zeros(new[] { rows, cols }, DType.Float64), new Generator(32));
        var prod = rows <= cols ? w.Matmul(w.T) : w.T.Matmul(w);
        int n = Math.Min(rows, cols);
        var p = prod.ToDoubleArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.True(Math.Abs(p[i * n + j] - (i == j ? 1 : 0)) < 1e-9, $"({i},{j}) = {p[i * n + j]}");
        var wf = Init.Orthogonal(Tensor.Zeros(new[] { 8, 2, 2, 2 }), new Generator(33));
        var f = wf.Reshape(8, 8);
        var pf = f.Matmul(f.T).ToArray<float>();
        for (int i = 0; i < 8; i++) Assert.True(Math.Abs(pf[i * 9] - 1) < 1e-5);
    }
}
