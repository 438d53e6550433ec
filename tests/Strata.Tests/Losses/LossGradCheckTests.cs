using Strata;
using Strata.Losses;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Losses;

/// <summary>Float64 finite-difference gradient checks of every loss, for each reduction and with sample and class weights.</summary>
public class LossGradCheckTests
{
    private static readonly Reduction[] All = { Reduction.Mean, Reduction.Sum, Reduction.None };

    private static Tensor Kept(Tensor t)
    {
        TensorScope.Current?.Keep(t);
        return t;
    }

    private static Tensor Weights(params double[] w) => Kept(Tensor.FromArray(w));

    private static Tensor Labels(params long[] y) => Kept(Tensor.FromArray(y, y.Length));

    private static Tensor OneHot(int c, params long[] y)
    {
        var d = new double[y.Length * c];
        for (int i = 0; i < y.Length; i++) d[i * c + y[i]] = 1;
        return Kept(Tensor.FromArray(d, y.Length, c));
    }

    private static void Check(Func<Reduction, Loss> make, Tensor yPred, Tensor yTrue, Tensor? sw = null)
    {
        foreach (var r in All)
        {
            var loss = make(r);
            AssertGrad(x => loss.Forward(x[0], yTrue, sw), yPred);
        }
    }

    [Fact]
    public void Regression()
    {
        var p = Leaf(1, 4, 3);
        var t = Kept(Tensor.Uniform(new[] { 4, 3 }, -1, 1, new Generator(2), DType.Float64));
        var sw = Weights(0.5, 2, 0, 1.5);
        Check(r => new MeanSquaredError(r), p, t, sw);
        Check(r => new MeanAbsoluteError(r), p, t, sw);
        Check(r => new Huber(0.3, r), p, t, sw);
        var p3 = Leaf(3, 2, 3, 2);
        var t3 = Kept(Tensor.Uniform(new[] { 2, 3, 2 }, -1, 1, new Generator(4), DType.Float64));
        Check(r => new Huber(1.0, r), p3, t3);
    }

    [Fact]
    public void BinaryCrossEntropyBothPaths()
    {
        var probs = Leaf(5, 0.05, 0.95, 4, 2);
        var logits = Leaf(6, -3.0, 3.0, 4, 2);
        var t = Kept(Tensor.FromArray(new double[] { 1, 0, 0, 1, 1, 1, 0, 0 }, 4, 2));
        var sw = Weights(1, 0.5, 2, 0.25);
        Check(r => new BinaryCrossEntropy(reduction: r), probs, t, sw);
        Check(r => new BinaryCrossEntropy(labelSmoothing: 0.2, reduction: r), probs, t);
        Check(r => new BinaryCrossEntropy(fromLogits: true, labelSmoothing: 0.1, reduction: r), logits, t, sw);
    }

    [Fact]
    public void CategoricalCrossEntropyBothPaths()
    {
        var probs = Leaf(7, 0.05, 1.0, 4, 3);
        var logits = Leaf(8, -2.0, 2.0, 4, 3);
        var t = OneHot(3, 2, 0, 1, 2);
        var sw = Weights(1, 0.5, 2, 0.25);
        Check(r => new CategoricalCrossEntropy(reduction: r), probs, t, sw);
        Check(r => new CategoricalCrossEntropy(new[] { 0.2, 1, 3 }, labelSmoothing: 0.1, reduction: r), probs, t, sw);
        Check(r => new CategoricalCrossEntropy(new[] { 0.2, 1, 3 }, fromLogits: true, labelSmoothing: 0.1, reduction: r), logits, t, sw);
        var logits3 = Leaf(9, -2.0, 2.0, 2, 2, 3);
        var soft = Kept(Tensor.FromArray(new double[] { 0.2, 0.3, 0.5, 1, 0, 0, 0.1, 0.1, 0.8, 0, 0.5, 0.5 }, 2, 2, 3));
        Check(r => new CategoricalCrossEntropy(fromLogits: true, reduction: r), logits3, soft);
    }

    [Fact]
    public void SparseCategoricalCrossEntropyBothPaths()
    {
        var probs = Leaf(10, 0.05, 1.0, 5, 3);
        var logits = Leaf(11, -2.0, 2.0, 5, 3);
        var y = Labels(2, 0, 1, 2, 1);
        var sw = Weights(1, 0.5, 2, 0.25, 1);
        Check(r => new SparseCategoricalCrossEntropy(reduction: r), probs, y, sw);
        Check(r => new SparseCategoricalCrossEntropy(new[] { 0.2, 1, 3 }, ignoreIndex: 1, reduction: r), probs, y, sw);
        Check(r => new SparseCategoricalCrossEntropy(new[] { 0.2, 1, 3 }, fromLogits: true, ignoreIndex: 0, reduction: r), logits, y, sw);
        var logits3 = Leaf(12, -2.0, 2.0, 2, 3, 3);
        var y3 = Kept(Tensor.FromArray(new long[] { 0, 2, 1, 1, 1, 0 }, 2, 3));
        Check(r => new SparseCategoricalCrossEntropy(fromLogits: true, reduction: r), logits3, y3);
    }

    [Fact]
    public void KLDivergence()
    {
        var p = Leaf(13, 0.05, 1.0, 3, 4);
        var t = Kept(Tensor.FromArray(new double[] { 0.1, 0.2, 0.3, 0.4, 0, 0.5, 0.5, 0, 0.25, 0.25, 0.25, 0.25 }, 3, 4));
        Check(r => new KLDivergence(r), p, t, Weights(1, 2, 0.5));
    }
}
