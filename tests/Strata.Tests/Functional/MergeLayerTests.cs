using Strata;
using Strata.NN;
using Xunit;
using static Strata.Tests.TestUtil;

// Not "Strata.Tests.Functional": that namespace would hide the Strata.Functional ops class from every test.
namespace Strata.Tests.FunctionalApi;

public class MergeLayerTests
{
    [Fact]
    public void EagerValuesByHand()
    {
        var a = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 }, 2, 2);
        var b = Tensor.FromArray(new[] { 0.5, -1.0, 2.0, 0.0 }, 2, 2);
        var c = Tensor.FromArray(new[] { 1.0, 1.0, -1.0, 2.0 }, 2, 2);
        AssertClose(new[] { 2.5, 2.0, 4.0, 6.0 }, new Add().Invoke(a, b, c).ToDoubleArray(), 0, 0);
        AssertClose(new[] { 0.5, 3.0, 1.0, 4.0 }, new Subtract().Invoke(a, b).ToDoubleArray(), 0, 0);
        AssertClose(new[] { 0.5, -2.0, -6.0, 0.0 }, new Multiply().Invoke(a, b, c).ToDoubleArray(), 0, 0);
        var cat = new Concatenate().Invoke(a, b);
        Assert.Equal(new Shape(2, 4), cat.Shape);
        AssertClose(new[] { 1.0, 2.0, 0.5, -1.0, 3.0, 4.0, 2.0, 0.0 }, cat.ToDoubleArray(), 0, 0);
        // broadcasting a size-1 dim, as Keras allows
        var row = Tensor.FromArray(new[] { 10.0, 20.0 }, 1, 2);
        AssertClose(new[] { 11.0, 22.0, 13.0, 24.0 }, new Add().Invoke(a, row).ToDoubleArray(), 0, 0);
    }

    [Fact]
    public void GradChecks()
    {
        var a = Leaf(1, 3, 4);
        var b = Leaf(2, 3, 4);
        var c = Leaf(3, 3, 2);
        AssertGrad(x => new Add().Invoke(x[0], x[1]), a, b);
        AssertGrad(x => new Subtract().Invoke(x[0], x[1]), a, b);
        AssertGrad(x => new Multiply().Invoke(x[0], x[1], x[0]), a, b);
        AssertGrad(x => new Concatenate(-1).Invoke(x[0], x[1], x[2]), a, b, c);
    }

    [Fact]
    public void Errors()
    {
        var a = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentException>(() => new Add().Invoke(a, Tensor.Zeros(2, 4)));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("Multiply", Assert.Throws<ArgumentException>(() => new Multiply().Invoke(a, Tensor.Zeros(2, 3, 1))).Message);
        Assert.Contains("at least 2 inputs, got 1", Assert.Throws<ArgumentException>(() => new Add().Invoke(a)).Message);
        Assert.Contains("merge layer", Assert.Throws<InvalidOperationException>(() => ((Module)new Add()).Invoke(a)).Message);
        Assert.Contains("batch dim", Assert.Throws<ArgumentException>(() => new Concatenate(0)).Message);
        var cex = Assert.Throws<ArgumentException>(() => new Concatenate(1).Invoke(a, Tensor.Zeros(3, 3)));
        Assert.Contains("[2, 3]", cex.Message);
        Assert.Contains("[3, 3]", cex.Message);
        Assert.Contains("axis 5", Assert.Throws<ArgumentException>(() => new Concatenate(5).Invoke(a, a)).Message);
    }
}
