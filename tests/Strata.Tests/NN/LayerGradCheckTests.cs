using Strata;
using Strata.NN;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.NN;

/// <summary>Float64 finite-difference checks of every differentiable new layer, w.r.t. its input and all its parameters.</summary>
public class LayerGradCheckTests
{
    private static Tensor[] WithParams(Module m, Tensor x) => new[] { x }.Concat(m.Parameters().Select(p => p.Data)).ToArray();

    // Non-default parameter values, so that every term of the gradient matters (e.g. a LayerNorm weight of ones hides errors).
    private static void Randomise(Module m, ulong seed)
    {
        foreach (var p in m.Parameters())
            p.Set(Tensor.Uniform(p.Shape.ToArray(), 0.3, 1.3, new Generator(seed++), DType.Float64));
    }

    [Fact]
    public void Conv1D()
    {
        var conv = new Conv1D(4, 3, stride: 2, padding: 1, dilation: 2, groups: 2, generator: new Generator(1), dtype: DType.Float64);
        var x = Leaf(2, 2, 4, 9);
        conv.Invoke(x);
        AssertGrad(_ => conv.Invoke(x), WithParams(conv, x));
    }

    [Fact]
    public void Conv2DTranspose()
    {
        var deconv = new Conv2DTranspose(4, (3, 2), stride: 2, padding: 1, outputPadding: 1, groups: 2, generator: new Generator(3), dtype: DType.Float64);
        var x = Leaf(4, 2, 2, 3, 3);
        deconv.Invoke(x);
        AssertGrad(_ => deconv.Invoke(x), WithParams(deconv, x));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNorm2DTrainAndEval(bool training)
    {
        var bn = new BatchNorm2D(3, dtype: DType.Float64);
        Randomise(bn, 5);
        var x = Leaf(6, 0.0, 2.0, 2, 3, 2, 2);
        bn.Invoke(x); // moves the running statistics away from 0 and 1
        if (!training) bn.Eval();
        AssertGrad(_ => bn.Invoke(x), WithParams(bn, x));
    }

    [Fact]
    public void BatchNorm1DOnSequences()
    {
        var bn = new BatchNorm1D(momentum: null, dtype: DType.Float64);
        var x = Leaf(7, 3, 2, 4);
        bn.Invoke(x);
        Randomise(bn, 8);
        AssertGrad(_ => bn.Invoke(x), WithParams(bn, x));
    }

    [Fact]
    public void LayerNorm()
    {
        var ln = new LayerNorm([3, 4], dtype: DType.Float64);
        Randomise(ln, 9);
        var x = Leaf(10, 2, 3, 4);
        AssertGrad(_ => ln.Invoke(x), WithParams(ln, x));
    }

    [Fact]
    public void EmbeddingWeight()
    {
        var emb = new Embedding(6, 3, generator: new Generator(11), dtype: DType.Float64);
        var ids = Tensor.FromArray(new[] { 0, 1, 5, 5, 2, 1 }, 2, 3);
        AssertGrad(_ => emb.Invoke(ids), emb.Weight.Data);
    }

    [Fact]
    public void EmbeddingPaddingRowGetsNoGradient()
    {
        // By design (PyTorch padding_idx) not the true derivative, so no finite-difference check: the row is used, not trained.
        var emb = new Embedding(6, 3, paddingIdx: 1, generator: new Generator(11), dtype: DType.Float64);
        var ids = Tensor.FromArray(new[] { 0, 1, 5, 5, 2, 1 }, 2, 3);
        using var scope = Tensor.Scope();
        emb.Invoke(ids).Sum().Backward();
        Assert.All(emb.Weight.Grad!.Select(0, 1).ToDoubleArray(), g => Assert.Equal(0.0, g));
        Assert.Equal(new[] { 2.0, 2.0, 2.0 }, emb.Weight.Grad!.Select(0, 5).ToDoubleArray());
    }

    [Fact]
    public void ReshapeInsideANetwork()
    {
        var model = new Sequential(new Dense(12, generator: new Generator(12), dtype: DType.Float64), new Reshape(3, -1),
                                   new LayerNorm(dtype: DType.Float64), new Conv1D(2, 2, generator: new Generator(13), dtype: DType.Float64));
        var x = Leaf(14, 2, 5);
        Assert.Equal(new Shape(2, 2, 3), model.Invoke(x).Shape);
        Randomise(model, 15);
        AssertGrad(_ => model.Invoke(x), WithParams(model, x));
    }
}
