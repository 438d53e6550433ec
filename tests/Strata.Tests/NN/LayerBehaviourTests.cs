using Strata;
using Strata.Autograd;
using Strata.NN;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.NN;

/// <summary>Shapes, defaults, initialisation and train/eval behaviour of the new layers (values against PyTorch are in LayerReferenceTests).</summary>
public class LayerBehaviourTests
{
    [Fact]
    public void SequentialReluThenMaxPoolMatchesLayerByLayerExactly()
    {
        // Sequential pools before the ReLU (max is monotone); output and input gradient must be bit-identical to
        // running the layers one by one, including windows with no positive value, ties, and an odd-sized edge.
        var g = new Generator(7);
        var x = Tensor.Randn(new[] { 2, 3, 7, 7 }, g, DType.Float64);
        using (GradMode.NoGrad())
        {
            x.Narrow(3, 0, 2).Fill_(0.0);    // ties of zeros
            x.Narrow(2, 2, 2).Fill_(-0.5);   // windows with no positive value
            x.Narrow(3, 4, 2).Fill_(0.25);   // ties of a positive value
        }
        var gy = Tensor.Randn(new[] { 2, 3, 3, 3 }, g, DType.Float64);
        var relu = new ReLU();
        var pool = new MaxPool2D(2);
        var model = new Sequential(relu, pool);

        var a = x.Detach(); a.RequiresGrad = true;
        var ya = model.Invoke(a);
        ya.Backward(gy);
        var b = x.Detach(); b.RequiresGrad = true;
        var yb = pool.Invoke(relu.Invoke(b));
        yb.Backward(gy);

        Assert.Equal(yb.ToDoubleArray(), ya.ToDoubleArray());
        Assert.Equal(b.Grad!.ToDoubleArray(), a.Grad!.ToDoubleArray());
        Assert.Contains(a.Grad!.ToDoubleArray(), v => v != 0);
        var summary = model.Summary(3, 7, 7);
        Assert.Contains("(None, 3, 7, 7)", summary);
        Assert.Contains("(None, 3, 3, 3)", summary);
    }

    [Fact]
    public void ReshapeKeepsTheBatchDimAndInfersOneDim()
    {
        var x = Tensor.Arange(0, 24, 1, DType.Float64).Reshape(2, 12);
        var y = new Reshape(3, -1).Invoke(x);
        Assert.Equal(new Shape(2, 3, 4), y.Shape);
        Assert.Equal(x.ToDoubleArray(), y.ToDoubleArray());
        Assert.Equal(new Shape(2, 2, 3, 2), new Reshape(2, 3, 2).Invoke(x).Shape);
        Assert.Equal(new Shape(2, 12), new Reshape(-1).Invoke(x.Reshape(2, 3, 4)).Shape);
        Assert.Equal(new[] { 3, -1 }, new Reshape(3, -1).TargetShape);
        // a non-contiguous input is copied, still in row-major order of the view
        var t = x.Reshape(2, 3, 4).Transpose(1, 2);
        Assert.Equal(t.Contiguous().ToDoubleArray(), new Reshape(12).Invoke(t).ToDoubleArray());
    }

    [Fact]
    public void ConvolutionsBuildLazilyWithPyTorchLayoutsAndInitBounds()
    {
        var conv = new Conv1D(8, 5, generator: new Generator(1));
        Assert.False(conv.IsBuilt);
        Assert.Equal(new Shape(2, 8, 16), conv.Invoke(Tensor.Zeros(2, 6, 20)).Shape);
        Assert.Equal(new Shape(8, 6, 5), conv.Weight!.Shape);
        Assert.Equal(6, conv.InChannels);
        AssertUniformInit(conv.Weight.Data, 1 / Math.Sqrt(30));
        AssertUniformInit(conv.Bias!.Data, 1 / Math.Sqrt(30));

        var deconv = new Conv2DTranspose(6, 3, stride: 2, groups: 3, generator: new Generator(2));
        Assert.Equal(new Shape(1, 6, 9, 11), deconv.Invoke(Tensor.Zeros(1, 9, 4, 5)).Shape);
        Assert.Equal(new Shape(9, 2, 3, 3), deconv.Weight!.Shape);
        AssertUniformInit(deconv.Weight.Data, 1 / Math.Sqrt(18));
        Assert.Equal(new Shape(6), deconv.Bias!.Shape);
        Assert.Equal(new Shape(1, 6, 10, 12), new Conv2DTranspose(6, 3, stride: 2, outputPadding: 1).Invoke(Tensor.Zeros(1, 9, 4, 5)).Shape);
    }

    private static void AssertUniformInit(Tensor t, double bound)
    {
        var v = t.ToDoubleArray();
        Assert.All(v, e => Assert.InRange(e, -bound, bound));
        Assert.True(v.Max() > 0.5 * bound && v.Min() < -0.5 * bound, "the values should spread over the bound");
    }

    [Fact]
    public void EmbeddingInitIsStandardNormalWithAZeroPaddingRow()
    {
        var emb = new Embedding(400, 50, paddingIdx: -1, generator: new Generator(3));
        Assert.Equal(399, emb.PaddingIdx);
        var w = emb.Weight.Data.ToDoubleArray();
        var rest = w.Take(399 * 50).ToArray();
        double mean = rest.Average(), std = Math.Sqrt(rest.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(std, 0.97, 1.03);
        Assert.All(w.Skip(399 * 50), v => Assert.Equal(0.0, v));

        var ids32 = Tensor.FromArray(new[] { 3, 399, 0 }, 3);
        var y = emb.Invoke(ids32);
        Assert.Equal(new Shape(3, 50), y.Shape);
        Assert.Equal(emb.Invoke(ids32.To(DType.Int64)).ToDoubleArray(), y.ToDoubleArray());
        Assert.Equal(w.Skip(3 * 50).Take(50), y.ToDoubleArray().Take(50));
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndRunningStatisticsInEval()
    {
        var bn = new BatchNorm1D(2, dtype: DType.Float64);
        // channel 0: 1, 3 → mean 2, biased var 1, unbiased 2; channel 1: 0, 0 → mean 0, var 0
        var x = Tensor.FromArray(new[] { 1.0, 0.0, 3.0, 0.0 }, 2, 2);
        var y = bn.Invoke(x);
        double s = 1 / Math.Sqrt(1 + 1e-5);
        AssertClose(new[] { -s, 0, s, 0 }, y.ToDoubleArray(), 1e-12, 1e-12);
        AssertClose(new[] { 0.2, 0.0 }, bn.RunningMean!.ToDoubleArray(), 1e-12, 1e-12);
        AssertClose(new[] { 0.9 + 0.2, 0.9 }, bn.RunningVar!.ToDoubleArray(), 1e-12, 1e-12);
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());

        bn.Eval();
        var e = bn.Invoke(x);
        AssertClose(new[] { 0.8 / Math.Sqrt(1.1 + 1e-5), 0, 2.8 / Math.Sqrt(1.1 + 1e-5), 0 }, e.ToDoubleArray(), 1e-12, 1e-12);
        Assert.Equal(1L, bn.NumBatchesTracked.Item<long>());
        AssertClose(new[] { 0.2, 0.0 }, bn.RunningMean.ToDoubleArray(), 1e-12, 1e-12);

        // Training under no-grad still updates the running statistics, as in PyTorch.
        bn.Train();
        using (GradMode.NoGrad()) bn.Invoke(x);
        Assert.Equal(2L, bn.NumBatchesTracked.Item<long>());
    }

    [Fact]
    public void LayerNormLazyNormalisesTheLastDim()
    {
        var ln = new LayerNorm(dtype: DType.Float64);
        Assert.Null(ln.NormalizedShape);
        var x = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, -1.0, -1.0, 5.0 }, 2, 3);
        var y = ln.Invoke(x).ToDoubleArray();
        Assert.Equal(new[] { 3 }, ln.NormalizedShape);
        double a = 1 / Math.Sqrt(2.0 / 3 + 1e-5);
        double b = 1 / Math.Sqrt(8 + 1e-5);
        AssertClose(new[] { -a, 0, a, -2 * b, -2 * b, 4 * b }, y, 1e-12, 1e-12);
        Assert.Equal(new Shape(3), ln.Weight!.Shape);
        Assert.Null(new LayerNorm([3], elementwiseAffine: false).Weight);
    }

    [Fact]
    public void DefaultsFollowPyTorch()
    {
        var bn = new BatchNorm2D();
        Assert.Equal(1e-5, bn.Eps);
        Assert.Equal(0.1, bn.Momentum);
        Assert.True(bn.Affine);
        var conv = new Conv1D(4, 3);
        Assert.Equal((1, 0, 1, 1, true), (conv.Stride, conv.Padding, conv.Dilation, conv.Groups, conv.UseBias));
        var deconv = new Conv2DTranspose(4, 3);
        Assert.Equal(new IntPair(1, 1), deconv.Stride);
        Assert.Equal(new IntPair(0, 0), deconv.OutputPadding);
        Assert.Equal(1e-5, new LayerNorm([2]).Eps);
        Assert.Null(new Embedding(3, 2).PaddingIdx);
    }
}
