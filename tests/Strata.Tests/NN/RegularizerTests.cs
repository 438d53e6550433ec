using Strata;
using Strata.NN;
using Strata.NN.Regularizers;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.NN;

public class RegularizerTests
{
    private static Tensor W() => Tensor.FromArray(new[] { 0.5, -2.0, 0.0, 1.5 }, 2, 2);

    [Fact]
    public void PenaltiesByHand()
    {
        // Σ|w| = 4, Σw² = 0.25 + 4 + 0 + 2.25 = 6.5
        Assert.Equal(0.04, new L1(0.01).Penalty(W()).Item(), 12);
        Assert.Equal(0.065, new L2(0.01).Penalty(W()).Item(), 12);
        Assert.Equal(0.3 * 4 + 0.2 * 6.5, new L1L2(0.3, 0.2).Penalty(W()).Item(), 12);
        Assert.Equal(0.0, new L1L2().Penalty(W()).Item());
        Assert.Equal(0.01, new L1().L);
        Assert.Equal(0.01, new L2().L);
        Assert.Equal(0, new L1(0.01).Penalty(W()).Rank);
    }

    [Fact]
    public void ModelLossSumsEveryLayerPenalty()
    {
        var dense = new Dense(2, 2, dtype: DType.Float64, kernelRegularizer: new L2(0.1), biasRegularizer: new L1(0.5));
        dense.Weight!.Set(W());
        dense.Bias!.Set(Tensor.FromArray(new[] { 1.0, -3.0 }));
        var conv1 = new Conv1D(1, 2, inChannels: 1, dtype: DType.Float64, kernelRegularizer: new L1(1.0));
        conv1.Weight!.Set(Tensor.FromArray(new[] { 0.25, -0.75 }, 1, 1, 2));
        var conv2 = new Conv2D(1, 1, inChannels: 1, dtype: DType.Float64, biasRegularizer: new L2(2.0));
        conv2.Bias!.Set(Tensor.FromArray(new[] { 3.0 }));
        var deconv = new Conv2DTranspose(1, 1, inChannels: 2, dtype: DType.Float64, kernelRegularizer: new L1L2(1.0, 1.0));
        deconv.Weight!.Set(Tensor.FromArray(new[] { 2.0, -1.0 }, 2, 1, 1, 1));
        var emb = new Embedding(2, 1, dtype: DType.Float64, embeddingsRegularizer: new L2(1.0));
        emb.Weight.Set(Tensor.FromArray(new[] { 1.0, 2.0 }, 2, 1));
        var model = new Sequential(dense, new Sequential(conv1, conv2), deconv, emb, new Dense(3, 3));

        double expected = 0.1 * 6.5 + 0.5 * 4      // dense: L2 kernel, L1 bias
                        + 1.0 * 1.0                // conv1d: L1 kernel
                        + 2.0 * 9.0                // conv2d: L2 bias
                        + (1.0 * 3.0 + 1.0 * 5.0)  // conv2d transpose: L1L2 kernel
                        + 1.0 * 5.0;               // embedding: L2
        var loss = model.RegularizationLoss();
        Assert.Equal(0, loss.Rank);
        Assert.Equal(expected, loss.Item(), 12);

        // The gradient is that of the penalties: d(l·Σw²)/dw = 2·l·w, d(l·Σ|w|)/dw = l·sign(w).
        loss.Backward();
        AssertClose(new[] { 0.1, -0.4, 0.0, 0.3 }, dense.Weight.Grad!.ToDoubleArray(), 1e-12, 1e-12);
        AssertClose(new[] { 0.5, -0.5 }, dense.Bias.Grad!.ToDoubleArray(), 1e-12, 1e-12);
        AssertClose(new[] { 12.0 }, conv2.Bias.Grad!.ToDoubleArray(), 1e-12, 1e-12);
        AssertClose(new[] { 1.0 + 4.0, -1.0 - 2.0 }, deconv.Weight.Grad!.ToDoubleArray(), 1e-12, 1e-12);
        Assert.Null(conv2.Weight!.Grad);
    }

    [Fact]
    public void GradCheckOfThePenalties()
    {
        var dense = new Dense(3, 4, generator: new Generator(1), dtype: DType.Float64, kernelRegularizer: new L1L2(0.3, 0.7), biasRegularizer: new L2(0.2));
        dense.Bias!.Set(Tensor.FromArray(new[] { 0.5, -1.0, 2.0 }));
        AssertGrad(_ => dense.RegularizationLoss(), dense.Weight!.Data, dense.Bias.Data);
    }

    [Fact]
    public void NoRegularizerGivesAZeroScalarAndUnbuiltLayersContributeNothing()
    {
        var plain = new Sequential(new Dense(2, 2), new ReLU());
        var zero = plain.RegularizationLoss();
        Assert.Equal(0, zero.Rank);
        Assert.Equal(0.0, zero.Item());
        var lazy = new Dense(2, kernelRegularizer: new L2());
        Assert.Equal(0.0, lazy.RegularizationLoss().Item());
        lazy.Invoke(Tensor.Ones(1, 3));
        Assert.True(lazy.RegularizationLoss().Item() > 0);
    }

    [Fact]
    public void ASharedLayerIsPenalisedOnce()
    {
        var shared = new Dense(2, 2, dtype: DType.Float64, kernelRegularizer: new L1(1.0));
        shared.Weight!.Set(W());
        var model = new Sequential(shared, new ReLU(), shared);
        Assert.Equal(4.0, model.RegularizationLoss().Item(), 12);
    }

    [Fact]
    public void BadFactorsAndWeightsAreNamed()
    {
        Assert.Contains("L1: the factor l must be finite and non-negative, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => new L1(-1)).Message);
        Assert.Contains("L2:", Assert.Throws<ArgumentOutOfRangeException>(() => new L2(double.NaN)).Message);
        Assert.Contains("L1L2: the factor l2", Assert.Throws<ArgumentOutOfRangeException>(() => new L1L2(0.1, double.PositiveInfinity)).Message);
        var ex = Assert.Throws<ArgumentException>(() => new L2(0.1).Penalty(Tensor.Zeros(new[] { 2 }, DType.Int64)));
        Assert.Contains("L2(l=0.1)", ex.Message);
        Assert.Contains("int64", ex.Message);
    }
}
