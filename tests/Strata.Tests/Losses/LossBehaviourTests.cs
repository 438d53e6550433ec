using Strata;
using Strata.Losses;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Losses;

/// <summary>Hand-computed values, dtype and shape handling, the string factory and the error messages of the losses.</summary>
public class LossBehaviourTests
{
    [Fact]
    public void MeanSquaredErrorByHand()
    {
        using var scope = Tensor.Scope();
        var p = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var t = Tensor.Zeros(new[] { 2, 2 }, DType.Float64);
        // Per sample: (1 + 4) / 2 = 2.5 and (9 + 16) / 2 = 12.5.
        Assert.Equal(new[] { 2.5, 12.5 }, new MeanSquaredError(Reduction.None).Forward(p, t).ToDoubleArray());
        Assert.Equal(15.0, new MeanSquaredError(Reduction.Sum).Forward(p, t).Item());
        Assert.Equal(7.5, new MeanSquaredError().Forward(p, t).Item());
        // Keras' weighted mean: sum(w * l) / N, not a weighted average.
        var w = Tensor.FromArray(new double[] { 2, 0 });
        Assert.Equal(2.5, new MeanSquaredError().Forward(p, t, w).Item());
        Assert.Equal(new[] { 5.0, 0 }, new MeanSquaredError(Reduction.None).Forward(p, t, w).ToDoubleArray());
    }

    [Fact]
    public void HuberByHand()
    {
        using var scope = Tensor.Scope();
        var p = Tensor.FromArray(new double[,] { { 0.5, 3 } });
        var t = Tensor.Zeros(new[] { 1, 2 }, DType.Float64);
        // 0.5 * 0.25 = 0.125 (inside delta), 1 * (3 - 0.5) = 2.5 (outside): mean 1.3125.
        Assert.Equal(1.3125, new Huber().Forward(p, t).Item(), 12);
    }

    [Fact]
    public void SparseClassWeightMeanIsWeightedAverageAndSampleWeightIsNot()
    {
        using var scope = Tensor.Scope();
        // Logits all zero: every row's loss is log 3.
        var logits = Tensor.Zeros(new[] { 2, 3 }, DType.Float64);
        var y = Tensor.FromArray(new long[] { 0, 2 }, 2);
        double l = Math.Log(3);
        var cw = new SparseCategoricalCrossEntropy(new[] { 1.0, 1, 3 }, fromLogits: true);
        // (1 * l + 3 * l) / (1 + 3) = l: class weights only re-weight between samples.
        Assert.Equal(l, cw.Forward(logits, y).Item(), 12);
        AssertClose(new[] { l, 3 * l }, new SparseCategoricalCrossEntropy(new[] { 1.0, 1, 3 }, fromLogits: true, reduction: Reduction.None).Forward(logits, y).ToDoubleArray(), 1e-12, 1e-12);
        // Sample weights scale without renormalising: (2 l + 0) / 2.
        var sw = Tensor.FromArray(new double[] { 2, 0 });
        Assert.Equal(l, new SparseCategoricalCrossEntropy(fromLogits: true).Forward(logits, y, sw).Item(), 12);
        // Both: (2 * 1 * l + 0) / (1 + 3).
        Assert.Equal(l / 2, cw.Forward(logits, y, sw).Item(), 12);
    }

    [Fact]
    public void IgnoredLabelsAreLeftOutOfTheMean()
    {
        using var scope = Tensor.Scope();
        var logits = Tensor.FromArray(new double[,] { { 0, 0, 0 }, { 5, 0, 0 } });
        var y = Tensor.FromArray(new long[] { 1, -1 }, 2);
        var loss = new SparseCategoricalCrossEntropy(fromLogits: true, ignoreIndex: -1);
        Assert.Equal(Math.Log(3), loss.Forward(logits, y).Item(), 12);
        AssertClose(new[] { Math.Log(3), 0 }, new SparseCategoricalCrossEntropy(fromLogits: true, ignoreIndex: -1, reduction: Reduction.None).Forward(logits, y).ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void ProbabilitiesAreClippedSoSaturationStaysFinite()
    {
        using var scope = Tensor.Scope();
        var p = Tensor.FromArray(new double[,] { { 0.0 }, { 1.0 } });
        var t = Tensor.FromArray(new double[,] { { 1.0 }, { 0.0 } });
        var v = new BinaryCrossEntropy(reduction: Reduction.None).Forward(p, t).ToDoubleArray();
        AssertClose(new[] { -Math.Log(1e-7), -Math.Log(1e-7) }, v, 1e-6, 0);
        var probs = Tensor.FromArray(new double[,] { { 1, 0, 0 } });
        var oneHot = Tensor.FromArray(new double[,] { { 0, 1, 0 } });
        Assert.Equal(-Math.Log(1e-7), new CategoricalCrossEntropy().Forward(probs, oneHot).Item(), 6);
        Assert.True(double.IsFinite(new KLDivergence().Forward(probs, oneHot).Item()));
    }

    [Fact]
    public void LogitsPathsAreStableForHugeLogits()
    {
        using var scope = Tensor.Scope();
        var logits = Tensor.FromArray(new float[,] { { 1e4f, -1e4f } });
        var t = Tensor.FromArray(new float[,] { { 0f, 1f } });
        AssertClose(new[] { 1e4 }, new[] { new BinaryCrossEntropy(fromLogits: true).Forward(logits, t).Item() }, 1e-6, 0);
        AssertClose(new[] { 2e4 }, new[] { new CategoricalCrossEntropy(fromLogits: true).Forward(logits, t).Item() }, 1e-6, 0);
        AssertClose(new[] { 2e4 }, new[] { new SparseCategoricalCrossEntropy(fromLogits: true).Forward(logits, Tensor.FromArray(new long[] { 1 }, 1)).Item() }, 1e-6, 0);
    }

    [Fact]
    public void Float32PredictionsWithOtherTargetDtypesAndShapes()
    {
        using var scope = Tensor.Scope();
        var p = Tensor.FromArray(new float[] { 1, 2, 3 }, 3, 1);
        // Targets as float64 [N] against predictions [N, 1]: cast and reshaped, as Keras squeezes.
        var t = Tensor.FromArray(new double[] { 0, 2, 5 });
        var mse = new MeanSquaredError().Forward(p, t);
        Assert.Equal(DType.Float32, mse.DType);
        Assert.Equal((1 + 0 + 4) / 3.0, mse.Item(), 6);
        // Integer 0/1 labels for binary cross-entropy are cast too.
        var probs = Tensor.FromArray(new float[] { 0.25f, 0.5f });
        var labels = Tensor.FromArray(new long[] { 1, 0 }, 2);
        Assert.Equal((-Math.Log(0.25) - Math.Log(0.5)) / 2, new BinaryCrossEntropy().Forward(probs, labels).Item(), 6);
        // Sparse labels as [N, 1] int32.
        var logits = Tensor.Zeros(new[] { 2, 4 });
        var y = Tensor.FromArray(new[] { 3, 0 }, 2, 1);
        Assert.Equal(Math.Log(4), new SparseCategoricalCrossEntropy(fromLogits: true).Forward(logits, y).Item(), 6);
    }

    [Fact]
    public void GradientFlowsToAModel()
    {
        using var scope = Tensor.Scope();
        var w = Tensor.FromArray(new double[,] { { 0.1, -0.2 }, { 0.3, 0.4 }, { -0.5, 0.6 } });
        w.RequiresGrad = true;
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { -1, 0.5 } });
        var loss = new SparseCategoricalCrossEntropy(fromLogits: true).Forward(x.Matmul(w.T), Tensor.FromArray(new long[] { 2, 0 }, 2));
        loss.Backward();
        Assert.NotNull(w.Grad);
        Assert.Contains(w.Grad!.ToDoubleArray(), g => Math.Abs(g) > 1e-3);
    }

    [Theory]
    [InlineData("mse", typeof(MeanSquaredError))]
    [InlineData("mean_squared_error", typeof(MeanSquaredError))]
    [InlineData("MSE", typeof(MeanSquaredError))]
    [InlineData("MeanSquaredError", typeof(MeanSquaredError))]
    [InlineData("mae", typeof(MeanAbsoluteError))]
    [InlineData("mean_absolute_error", typeof(MeanAbsoluteError))]
    [InlineData("huber", typeof(Huber))]
    [InlineData("huber_loss", typeof(Huber))]
    [InlineData("binary_crossentropy", typeof(BinaryCrossEntropy))]
    [InlineData("BinaryCrossentropy", typeof(BinaryCrossEntropy))]
    [InlineData("categorical_crossentropy", typeof(CategoricalCrossEntropy))]
    [InlineData("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossEntropy))]
    [InlineData("kl_divergence", typeof(KLDivergence))]
    [InlineData("kld", typeof(KLDivergence))]
    [InlineData("kullback_leibler_divergence", typeof(KLDivergence))]
    public void FactoryAcceptsKerasNames(string name, Type expected)
    {
        var loss = Strata.Losses.Losses.Get(name);
        Assert.IsType(expected, loss);
        Assert.Equal(Reduction.Mean, loss.Reduction);
        // Keras' defaults: probabilities, not logits.
        if (loss is SparseCategoricalCrossEntropy s) Assert.False(s.FromLogits);
    }

    [Fact]
    public void FactoryRejectsUnknownNamesListingValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Strata.Losses.Losses.Get("cross_entropy_loss"));
        Assert.Contains("cross_entropy_loss", e.Message);
        foreach (var n in new[] { "mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence" })
            Assert.Contains(n, e.Message);
    }

    [Fact]
    public void NamesAreKerasNames()
    {
        Assert.Equal("mean_squared_error", new MeanSquaredError().Name);
        Assert.Equal("mean_absolute_error", new MeanAbsoluteError().Name);
        Assert.Equal("huber_loss", new Huber().Name);
        Assert.Equal("binary_crossentropy", new BinaryCrossEntropy().Name);
        Assert.Equal("categorical_crossentropy", new CategoricalCrossEntropy().Name);
        Assert.Equal("sparse_categorical_crossentropy", new SparseCategoricalCrossEntropy().Name);
        Assert.Equal("kl_divergence", new KLDivergence().Name);
    }

    private static void AssertError(Action a, params string[] parts)
    {
        var e = Assert.ThrowsAny<ArgumentException>(a);
        foreach (var p in parts) Assert.Contains(p, e.Message);
    }

    [Fact]
    public void ClearErrors()
    {
        using var scope = Tensor.Scope();
        var logits = Tensor.Zeros(new[] { 4, 3 }, DType.Float64);
        var oneHot = Tensor.Zeros(new[] { 4, 3 }, DType.Float64);
        var labels = Tensor.FromArray(new long[] { 0, 1, 2, 1 }, 4);

        AssertError(() => new SparseCategoricalCrossEntropy().Forward(logits, oneHot), "SparseCategoricalCrossEntropy", "int labels [4]", "[4, 3]", "float64", "CategoricalCrossEntropy");
        AssertError(() => new SparseCategoricalCrossEntropy().Forward(logits, Tensor.FromArray(new long[] { 0, 1, 2 }, 3)), "SparseCategoricalCrossEntropy", "[3]");
        AssertError(() => new SparseCategoricalCrossEntropy().Forward(logits, Tensor.FromArray(new long[] { 0, 1, 3, 1 }, 4)), "SparseCategoricalCrossEntropy", "label 3", "3 classes");
        AssertError(() => new SparseCategoricalCrossEntropy().Forward(Tensor.Zeros(new[] { 4 }, DType.Float64), labels), "SparseCategoricalCrossEntropy", "[N, C]");
        AssertError(() => new CategoricalCrossEntropy().Forward(logits, labels), "CategoricalCrossEntropy", "SparseCategoricalCrossEntropy", "int64");
        AssertError(() => new CategoricalCrossEntropy().Forward(logits, Tensor.Zeros(new[] { 4, 2 }, DType.Float64)), "CategoricalCrossEntropy", "[4, 2]", "[4, 3]");
        AssertError(() => new CategoricalCrossEntropy(new[] { 1.0, 2 }).Forward(logits, oneHot), "CategoricalCrossEntropy", "classWeight has 2", "3 classes");
        AssertError(() => new SparseCategoricalCrossEntropy(new[] { 1.0, -2, 1 }), "SparseCategoricalCrossEntropy", "classWeight[1]");
        AssertError(() => new CategoricalCrossEntropy(classWeight: Tensor.Ones(2, 3)), "CategoricalCrossEntropy", "1-D");
        AssertError(() => new MeanSquaredError().Forward(logits, Tensor.Zeros(new[] { 3, 4 }, DType.Float64)), "MeanSquaredError", "[3, 4]", "[4, 3]");
        AssertError(() => new MeanSquaredError().Forward(labels, labels), "MeanSquaredError", "floating-point", "int64");
        AssertError(() => new MeanAbsoluteError().Forward(logits, oneHot, Tensor.Ones(3)), "MeanAbsoluteError", "sampleWeight", "[4]", "[3]");
        AssertError(() => new BinaryCrossEntropy(labelSmoothing: 1.5), "BinaryCrossEntropy", "labelSmoothing", "1.5");
        AssertError(() => new Huber(delta: 0), "Huber", "delta");
        AssertError(() => new KLDivergence().Forward(Tensor.Zeros(new[] { 4 }, DType.Float64), Tensor.Zeros(new[] { 4 }, DType.Float64)), "KLDivergence", "[4]");
    }
}
