using Strata;
using Strata.Backends.Cpu;
using Xunit;

namespace Strata.Tests.Core;

/// <summary>Creation functions, dtype conversion, host read-back and printing.</summary>
public class DTypeCreationTests
{
    public static IEnumerable<object[]> AllDTypes() =>
        new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Bool }.Select(d => new object[] { d });

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void ZerosOnesFullScalarForEveryDType(DType dtype)
    {
        using var scope = Tensor.Scope();
        var z = Tensor.Zeros(new[] { 2, 3 }, dtype);
        Assert.Equal(dtype, z.DType);
        Assert.Equal(new[] { 2, 3 }, z.Shape.ToArray());
        Assert.All(z.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(Tensor.Ones(new[] { 4 }, dtype).ToDoubleArray(), v => Assert.Equal(1, v));
        double fill = dtype == DType.Bool ? 1 : 7;
        var f = Tensor.Full(new[] { 1, 2 }, fill, dtype);
        Assert.All(f.ToDoubleArray(), v => Assert.Equal(fill, v));
        var s = Tensor.Scalar(fill, dtype);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Numel);
        Assert.Equal(fill, s.Item());
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void ArangeLinspaceEyeForEveryDType(DType dtype)
    {
        using var scope = Tensor.Scope();
        if (dtype != DType.Bool)
        {
            Assert.Equal(new double[] { 0, 1, 2, 3, 4 }, Tensor.Arange(5, dtype).ToDoubleArray());
            Assert.Equal(new double[] { 2, 5, 8 }, Tensor.Arange(2, 10, 3, dtype).ToDoubleArray());
            Assert.Equal(new double[] { 10, 8, 6 }, Tensor.Arange(10, 4, -2, dtype).ToDoubleArray());
            Assert.Equal(new double[] { 0, 5, 10 }, Tensor.Linspace(0, 10, 3, dtype).ToDoubleArray());
        }
        Assert.Equal(new double[] { 1, 0, 0, 0, 1, 0 }, Tensor.Eye(2, 3, dtype).ToDoubleArray());
        Assert.Equal(new[] { 3, 3 }, Tensor.Eye(3, dtype: dtype).Shape.ToArray());
    }

    [Fact]
    public void ArangeAndLinspaceFractional()
    {
        using var scope = Tensor.Scope();
        Assert.Equal(new float[] { 0, 0.5f, 1, 1.5f }, Tensor.Arange(0, 2, 0.5).ToArray<float>());
        Assert.Equal(new double[] { -1, -0.5, 0, 0.5, 1 }, Tensor.Linspace(-1, 1, 5, DType.Float64).ToArray<double>());
        Assert.Equal(new float[] { 3 }, Tensor.Linspace(3, 9, 1).ToArray<float>());
        Assert.Equal(0, Tensor.Arange(5, 5, 1).Numel);
        Assert.Equal(DType.Int64, Tensor.Arange(3).DType);
    }

    [Fact]
    public void FromArrayRoundTripsEveryElementType()
    {
        using var scope = Tensor.Scope();
        Assert.Equal(new float[] { 1.5f, -2 }, Tensor.FromArray(new float[] { 1.5f, -2 }).ToArray<float>());
        Assert.Equal(new double[] { 1e-300, 3 }, Tensor.FromArray(new double[] { 1e-300, 3 }).ToArray<double>());
        Assert.Equal(new[] { int.MinValue, 5 }, Tensor.FromArray(new[] { int.MinValue, 5 }).ToArray<int>());
        Assert.Equal(new[] { long.MaxValue, -1L }, Tensor.FromArray(new[] { long.MaxValue, -1L }).ToArray<long>());
        Assert.Equal(new[] { true, false, true }, Tensor.FromArray(new[] { true, false, true }).ToArray<bool>());
        Assert.Equal(DType.Bool, Tensor.FromArray(new[] { true }).DType);
        var m = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal(new[] { 2, 2 }, m.Shape.ToArray());
        Assert.Equal(4f, m.Select(0, 1).Select(0, 1).Item<float>());
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], 2, 3));
    }

    [Fact]
    public void ToConvertsWithTruncationAndNonzeroBool()
    {
        using var scope = Tensor.Scope();
        var f = Tensor.FromArray(new float[] { 1.7f, -1.7f, 0f, 2.5f, -0.2f });
        Assert.Equal(new[] { 1, -1, 0, 2, 0 }, f.To(DType.Int32).ToArray<int>());
        Assert.Equal(new long[] { 1, -1, 0, 2, 0 }, f.To(DType.Int64).ToArray<long>());
        Assert.Equal(new[] { true, true, false, true, true }, f.To(DType.Bool).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, Tensor.FromArray(new long[] { 0, -5, 3 }).To(DType.Bool).ToArray<bool>());
        Assert.Equal(new float[] { 1, 0 }, Tensor.FromArray(new[] { true, false }).To(DType.Float32).ToArray<float>());
        Assert.Equal(new double[] { 7, -3 }, Tensor.FromArray(new[] { 7, -3 }).To(DType.Float64).ToArray<double>());
        Assert.Equal(new[] { 1, 0 }, Tensor.FromArray(new[] { true, false }).To(DType.Int32).ToArray<int>());
        // Reading as another element type converts the same way.
        Assert.Equal(new[] { 1, -1, 0, 2, 0 }, f.ToArray<int>());
        // Conversion of a non-contiguous view.
        var nc = Tensor.FromArray(new double[] { 0.5, 1.5, 2.5, 3.5 }, 2, 2).T;
        Assert.Equal(new long[] { 0, 2, 1, 3 }, nc.To(DType.Int64).ToArray<long>());
    }

    [Fact]
    public void ArithmeticPromotionAndTrueDivision()
    {
        using var scope = Tensor.Scope();
        var i = Tensor.FromArray(new long[] { 3, -7 });
        var j = Tensor.FromArray(new[] { 2, 2 });
        Assert.Equal(DType.Int64, i.Add(j).DType);
        Assert.Equal(new long[] { 5, -5 }, i.Add(j).ToArray<long>());
        Assert.Equal(DType.Int64, i.Mul(2).DType);
        Assert.Equal(DType.Float32, i.Add(0.5).DType);
        // Division is true division whatever the operand dtypes, and its result dtype never depends on values.
        Assert.Equal(new float[] { 1.5f, -3.5f }, i.Div(j).ToArray<float>());
        Assert.Equal(new float[] { 1.5f, -3.5f }, i.Div(2).ToArray<float>());
        Assert.Equal(DType.Float32, i.Div(1).DType);
        Assert.Equal(new float[] { 3, -7 }, i.Div(1).ToArray<float>());
        Assert.Equal(DType.Float64, i.Div(Tensor.FromArray(new double[] { 4, 4 })).DType);
        Assert.Equal(DType.Float64, Tensor.FromArray(new float[] { 1 }).Add(Tensor.FromArray(new double[] { 1 })).DType);
        Assert.Equal(DType.Float32, Tensor.FromArray(new float[] { 1 }).Add(Tensor.FromArray(new long[] { 1 })).DType);
        Assert.Equal(DType.Int32, Tensor.FromArray(new[] { true }).Add(Tensor.FromArray(new[] { 1 })).DType);
    }

    [Fact]
    public void ItemNeedsOneElement()
    {
        using var scope = Tensor.Scope();
        Assert.Equal(3.25, Tensor.FromArray(new double[] { 3.25 }, 1, 1).Item());
        Assert.Equal(7L, Tensor.Scalar(7, DType.Int64).Item<long>());
        Assert.True(Tensor.Scalar(1, DType.Bool).Item<bool>());
        var ex = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 2).Item());
        Assert.Contains("[2, 2]", ex.Message);
    }

    [Fact]
    public void ToStringForFloatIntBoolAndLarge()
    {
        using var scope = Tensor.Scope();
        Assert.Equal("tensor([1., 2., 3.])", Tensor.FromArray(new float[] { 1, 2, 3 }).ToString());
        Assert.Equal("tensor([ 0.5000, -1.2500])", Tensor.FromArray(new float[] { 0.5f, -1.25f }).ToString());
        Assert.Equal("tensor([0.5000, 2.0000], dtype=float64)", Tensor.FromArray(new double[] { 0.5, 2 }).ToString());
        Assert.Equal("tensor([[ 1, -2],\n        [30,  4]])", Tensor.FromArray(new long[] { 1, -2, 30, 4 }, 2, 2).ToString());
        Assert.Equal("tensor([1, 2], dtype=int32)", Tensor.FromArray(new[] { 1, 2 }).ToString());
        Assert.Equal("tensor([ True, False])", Tensor.FromArray(new[] { true, false }).ToString());
        Assert.Equal("tensor(5.)", Tensor.Scalar(5).ToString());
        Assert.Equal("tensor([[1.0000e-05, 1.0000e+00]])", Tensor.FromArray(new float[] { 1e-5f, 1 }, 1, 2).ToString());

        var big = Tensor.Arange(2000);
        var s = big.ToString();
        Assert.Equal("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", s); // as PyTorch prints it
        var big2 = Tensor.Arange(0, 2000, 1, DType.Float32).Reshape(40, 50).ToString();
        Assert.StartsWith("tensor([[   0.,    1.,    2.,  ...,   47.,   48.,   49.],", big2);
        Assert.Contains("...,\n", big2);
        Assert.EndsWith("1997., 1998., 1999.]])", big2);
        Assert.True(big2.Length < 1000, big2);
    }

    [Fact]
    public void SeededRandomIsReproducibleAndHasRightMoments()
    {
        using var scope = Tensor.Scope();
        var u1 = Tensor.Uniform(new[] { 1000 }, -2, 3, new Generator(42)).ToArray<float>();
        var u2 = Tensor.Uniform(new[] { 1000 }, -2, 3, new Generator(42)).ToArray<float>();
        Assert.Equal(u1, u2);
        Assert.NotEqual(u1, Tensor.Uniform(new[] { 1000 }, -2, 3, new Generator(43)).ToArray<float>());
        Assert.All(u1, v => Assert.InRange(v, -2f, 3f));

        // Successive draws from one generator differ; reseeding repeats them.
        var g = new Generator(7);
        var a = Tensor.Normal(new[] { 100 }, 0, 1, g).ToArray<float>();
        var b = Tensor.Normal(new[] { 100 }, 0, 1, g).ToArray<float>();
        Assert.NotEqual(a, b);
        g.Reset(7);
        Assert.Equal(a, Tensor.Normal(new[] { 100 }, 0, 1, g).ToArray<float>());

        const int n = 200_000;
        var u = Tensor.Uniform(new[] { n }, 0, 1, new Generator(1), DType.Float64);
        Assert.InRange(u.Mean().Item(), 0.495, 0.505);
        Assert.InRange(u.Std().Item(), Math.Sqrt(1.0 / 12) * 0.99, Math.Sqrt(1.0 / 12) * 1.01);
        var nrm = Tensor.Normal(new[] { n }, 2, 3, new Generator(2), DType.Float64);
        Assert.InRange(nrm.Mean().Item(), 2 - 0.03, 2 + 0.03);
        Assert.InRange(nrm.Std().Item(), 3 * 0.99, 3 * 1.01);
        var bern = Tensor.Bernoulli(new[] { n }, 0.3, new Generator(3));
        Assert.All(bern.ToArray<float>(), v => Assert.True(v == 0 || v == 1));
        Assert.InRange(bern.Mean().Item(), 0.295, 0.305);
        var bb = Tensor.Bernoulli(new[] { n }, 0.3, new Generator(3), DType.Bool);
        Assert.Equal(bern.ToArray<float>(), bb.To(DType.Float32).ToArray<float>());
        // The float32 fill is vectorised and chunked over threads; it must give the scalar path's values element by
        // element, tails included.
        foreach (int len in new[] { 7, 16389, 3 * 16384 + 13 })
        {
            var f32 = Tensor.Bernoulli(new[] { len }, 0.37, new Generator(9));
            var f64 = Tensor.Bernoulli(new[] { len }, 0.37, new Generator(9), DType.Float64);
            Assert.Equal(f64.ToDoubleArray(), f32.ToArray<float>().Select(v => (double)v).ToArray());
        }
    }
}

/// <summary>Tests that change the global thread count run alone.</summary>
[CollectionDefinition("GlobalThreads", DisableParallelization = true)]
public class GlobalThreadsCollection { }

[Collection("GlobalThreads")]
public class ThreadDeterminismTests
{
    private static double[][] Chain()
    {
        using var scope = Tensor.Scope();
        var a = Tensor.Uniform(new[] { 300, 300 }, -1, 1, new Generator(11));
        var b = Tensor.Normal(new[] { 300, 300 }, 0, 1, new Generator(12));
        var c = a.Add(b).Exp();
        var s0 = c.Sum(0);
        var s1 = c.T.Sum(new[] { 1 }, keepDim: true);
        var m = c.Matmul(b.T);
        var lse = m.Div(100).LogSumExp(1);
        var mx = m.Max(0);
        var total = m.Sum();
        return new[] { c.ToDoubleArray(), s0.ToDoubleArray(), s1.ToDoubleArray(), m.ToDoubleArray(), lse.ToDoubleArray(), mx.ToDoubleArray(), total.ToDoubleArray() };
    }

    [Fact]
    public void ResultsAreBitwiseIdenticalForOneAndTwoThreads()
    {
        int saved = CpuThreadPool.Threads;
        try
        {
            CpuThreadPool.Threads = 1;
            var one = Chain();
            CpuThreadPool.Threads = 2;
            var two = Chain();
            CpuThreadPool.Threads = 4;
            var four = Chain();
            for (int i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i], two[i]);
                Assert.Equal(one[i], four[i]);
            }
        }
        finally { CpuThreadPool.Threads = saved; }
    }
}
