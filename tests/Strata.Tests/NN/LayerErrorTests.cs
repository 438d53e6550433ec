using Strata;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>Every layer's bad input gives a clear exception naming the layer and what was wrong.</summary>
public class LayerErrorTests
{
    private static void Says<TException>(Action act, params string[] parts) where TException : Exception
    {
        var ex = Assert.Throws<TException>(act);
        foreach (var p in parts) Assert.Contains(p, ex.Message);
    }

    [Fact]
    public void Conv1D()
    {
        Says<ArgumentException>(() => new Conv1D(4, 0), "Conv1D(4)", "kernelSize (0)");
        Says<ArgumentException>(() => new Conv1D(4, 3, groups: 3), "Conv1D(4)", "groups (3)");
        var conv = new Conv1D(4, 3, inChannels: 2);
        Says<ArgumentException>(() => conv.Invoke(Tensor.Zeros(1, 3, 8)), "Conv1D(4)", "2 input channels", "[1, 3, 8]");
        Says<ArgumentException>(() => conv.Invoke(Tensor.Zeros(1, 2, 8, 8)), "Conv1D(4)", "[1, 2, 8, 8]");
        Says<ArgumentException>(() => conv.Invoke(Tensor.Zeros(1, 2, 2)), "Conv1D(4)", "input length 2", "kernel 3");
        Says<ArgumentException>(() => conv.Invoke(Tensor.Zeros(new[] { 1, 2, 8 }, DType.Float64)), "Conv1D(4)", "float32", "float64");
        Says<ArgumentException>(() => new Conv1D(4, 3).Invoke(Tensor.Zeros(2, 8)), "Conv1D(4)", "[N, C, L]", "[2, 8]");
    }

    [Fact]
    public void Conv2DTranspose()
    {
        Says<ArgumentException>(() => new Conv2DTranspose(4, 3, stride: 2, outputPadding: 2), "Conv2DTranspose(4)", "output padding (2, 2)");
        Says<ArgumentException>(() => new Conv2DTranspose(4, 3, padding: -1), "Conv2DTranspose(4)", "padding (-1, -1)");
        var deconv = new Conv2DTranspose(4, 3, inChannels: 2);
        Says<ArgumentException>(() => deconv.Invoke(Tensor.Zeros(1, 5, 4, 4)), "Conv2DTranspose(4)", "[1, 5, 4, 4]");
        Says<ArgumentException>(() => new Conv2DTranspose(4, 1, padding: 2).Invoke(Tensor.Zeros(1, 2, 3, 3)), "Conv2DTranspose(4)", "no output");
        Says<ArgumentException>(() => new Conv2DTranspose(4, 3, groups: 2).Invoke(Tensor.Zeros(1, 3, 4, 4)), "Conv2DTranspose(4)", "input channels (3)", "groups (2)");
    }

    [Fact]
    public void Conv2DRejectsBadSizesAtConstruction()
    {
        Says<ArgumentException>(() => new Conv2D(8, 3, stride: 0), "Conv2D(8)", "stride (0, 0)");
    }

    [Fact]
    public void Reshape()
    {
        Says<ArgumentException>(() => new Reshape(-1, -1), "Reshape([-1, -1])", "at most one -1");
        Says<ArgumentException>(() => new Reshape(0, 2), "Reshape([0, 2])");
        Says<ArgumentException>(() => new Reshape(5).Invoke(Tensor.Zeros(2, 6)), "Reshape([5])", "6 values", "[2, 6]");
        Says<ArgumentException>(() => new Reshape(4, -1).Invoke(Tensor.Zeros(2, 6)), "Reshape([4, -1])", "6 values");
        Says<ArgumentException>(() => new Reshape(1).Invoke(Tensor.Scalar(1)), "Reshape([1])", "scalar");
    }

    [Fact]
    public void BatchNorm()
    {
        var bn = new BatchNorm2D(3);
        Says<ArgumentException>(() => bn.Invoke(Tensor.Zeros(2, 3, 4)), "BatchNorm2D(3)", "[N, C, H, W]", "[2, 3, 4]");
        Says<ArgumentException>(() => bn.Invoke(Tensor.Zeros(2, 4, 2, 2)), "BatchNorm2D(3)", "C = 3", "[2, 4, 2, 2]");
        Says<ArgumentException>(() => bn.Invoke(Tensor.Zeros(1, 3, 1, 1)), "BatchNorm2D(3)", "more than 1 value per channel", "[1, 3, 1, 1]");
        Says<ArgumentException>(() => new BatchNorm1D().Invoke(Tensor.Zeros(2, 3, 4, 5)), "BatchNorm1D(?)", "[N, C] or [N, C, L]");
        Says<ArgumentException>(() => new BatchNorm1D(2).Invoke(Tensor.Zeros(new[] { 4, 2 }, DType.Float64)), "BatchNorm1D(2)", "float64");
        Says<ArgumentOutOfRangeException>(() => new BatchNorm1D(2, momentum: 1.5), "BatchNorm1D", "momentum", "1.5");
        Says<ArgumentOutOfRangeException>(() => new BatchNorm2D(0), "BatchNorm2D", "numFeatures");
        bn.Eval();
        Assert.Equal(new Shape(1, 3, 1, 1), bn.Invoke(Tensor.Zeros(1, 3, 1, 1)).Shape);
    }

    [Fact]
    public void LayerNorm()
    {
        Says<ArgumentException>(() => new LayerNorm([4, 5]).Invoke(Tensor.Zeros(2, 5, 4)), "LayerNorm([4, 5])", "[2, 5, 4]");
        Says<ArgumentException>(() => new LayerNorm([3]).Invoke(Tensor.Zeros(new[] { 2, 3 }, DType.Float64)), "LayerNorm([3])", "float64");
        Says<ArgumentException>(() => new LayerNorm([0]), "LayerNorm", "[0]");
        Says<ArgumentOutOfRangeException>(() => new LayerNorm([2], eps: 0), "LayerNorm", "eps");
    }

    [Fact]
    public void Embedding()
    {
        var emb = new Embedding(10, 3);
        Says<ArgumentException>(() => emb.Invoke(Tensor.Zeros(2, 3)), "Embedding(10, 3)", "int32 or int64", "float32");
        Says<IndexOutOfRangeException>(() => emb.Invoke(Tensor.FromArray(new long[] { 1, 12 })), "Embedding(10, 3)", "12");
        Says<IndexOutOfRangeException>(() => emb.Invoke(Tensor.FromArray(new[] { -11 })), "Embedding(10, 3)", "-11");
        Says<ArgumentOutOfRangeException>(() => new Embedding(10, 3, paddingIdx: 10), "Embedding(10, 3)", "paddingIdx 10");
        Says<ArgumentException>(() => new Embedding(10, 3, dtype: DType.Int32), "Embedding(10, 3)", "floating-point");
    }
}
