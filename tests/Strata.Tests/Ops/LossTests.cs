using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

public class LossTests
{
    private static Tensor Logits() => Tensor.FromArray(new double[] { 1, 2, 3, 0.5, -1, 2, 0, 0, 0 }, 3, 3);
    private static Tensor Targets(params long[] t) => Tensor.FromArray(t, t.Length);
    private static Tensor ClassWeight() => Tensor.FromArray(new double[] { 0.2, 1, 3 });

    [Fact]
    public void CrossEntropyMatchesPyTorch()
    {
        using var l = Logits();
        using var t = Targets(2, 0, 1);
        using var w = ClassWeight();
        using var t2 = Targets(2, -100, 1);
        // F.cross_entropy(l, t) with l = [[1,2,3],[0.5,-1,2],[0,0,0]], t = [2,0,1] (float64)
        Assert.Equal(1.082509849923216, Functional.CrossEntropy(l, t).Item(), 12);
        // F.cross_entropy(l, t, reduction='none')
        AssertClose(new[] { 0.4076059644443804, 1.7413112966571571, 1.0986122886681098 },
            Functional.CrossEntropy(l, t, reduction: Reduction.None).ToDoubleArray(), 1e-12, 1e-14);
        Assert.Equal(3 * 1.082509849923216, Functional.CrossEntropy(l, t, reduction: Reduction.Sum).Item(), 12);
        // F.cross_entropy(l, t, weight=torch.tensor([0.2,1.,3.]))
        Assert.Equal(0.6356410574601625, Functional.CrossEntropy(l, t, w).Item(), 12);
        // F.cross_entropy(l, torch.tensor([2,-100,1]))
        Assert.Equal(0.7531091265562451, Functional.CrossEntropy(l, t2).Item(), 12);
        // F.cross_entropy(l, t, label_smoothing=0.1)
        Assert.Equal(1.1158431832565494, Functional.CrossEntropy(l, t, labelSmoothing: 0.1).Item(), 12);
        // F.cross_entropy(l, torch.tensor([2,-100,1]), weight=w, label_smoothing=0.2)
        Assert.Equal(0.5930546474514578, Functional.CrossEntropy(l, t2, w, labelSmoothing: 0.2).Item(), 12);
    }

    [Fact]
    public void CrossEntropyWithProbabilitiesMatchesPyTorch()
    {
        using var l = Logits();
        using var p = Tensor.FromArray(new double[] { 0.1, 0.2, 0.7, 1, 0, 0, 0.3, 0.3, 0.4 }, 3, 3);
        using var w = ClassWeight();
        // F.cross_entropy(l, p)
        Assert.Equal(1.215843183256549, Functional.CrossEntropy(l, p).Item(), 12);
        // F.cross_entropy(l, p, weight=w, label_smoothing=0.1)
        Assert.Equal(1.108096581360866, Functional.CrossEntropy(l, p, w, labelSmoothing: 0.1).Item(), 12);
    }

    [Fact]
    public void CrossEntropyIsStableForHugeLogits()
    {
        using var l = Tensor.FromArray(new float[] { 1e4f, -1e4f, 0, 0 }, 2, 2);
        using var t = Targets(1, 0);
        var v = Functional.CrossEntropy(l, t, reduction: Reduction.None).ToDoubleArray();
        AssertClose(new[] { 2e4, Math.Log(2) }, v, 1e-6, 1e-5);
    }

    [Fact]
    public void GradCheckCrossEntropyClassIndices()
    {
        var a = Leaf(1, 4, 3);
        using var t = Targets(2, 0, 1, 2);
        using var ti = Targets(2, -100, 1, 2);
        using var w = ClassWeight();
        AssertGrad(x => Functional.CrossEntropy(x[0], t), a);
        AssertGrad(x => Functional.CrossEntropy(x[0], ti, w, labelSmoothing: 0.15), a);
        AssertGrad(x => Functional.CrossEntropy(x[0], t, reduction: Reduction.None), a);
        var b = Leaf(2, 3, 4);
        AssertGrad(x => Functional.CrossEntropy(x[0].T, t, reduction: Reduction.Sum), b);
        var cw = Leaf(5, 0.5, 1.5, 3);
        AssertGrad(x => Functional.CrossEntropy(x[0], ti, x[1], labelSmoothing: 0.1), a, cw);
    }

    [Fact]
    public void GradCheckCrossEntropySpatialAndProbabilities()
    {
        var a = Leaf(3, 2, 3, 2);
        using var t = Tensor.FromArray(new long[] { 0, 2, 1, -100 }, 2, 2);
        AssertGrad(x => Functional.CrossEntropy(x[0], t, labelSmoothing: 0.1), a);
        var p = Leaf(4, 0.0, 1.0, 2, 3, 2);
        AssertGrad(x => Functional.CrossEntropy(x[0], x[1], labelSmoothing: 0.2), a, p);
    }

    [Fact]
    public void FusedCrossEntropyMatchesComposedPathOnALargeBatch()
    {
        // 2048 x 40 logits is above the parallel threshold, so the kernel runs in chunks.
        using var scope = Tensor.Scope();
        var logits = Tensor.Randn(new[] { 2048, 40 }, new Generator(3), DType.Float64);
        logits.RequiresGrad = true;
        var tv = new long[2048];
        for (int i = 0; i < tv.Length; i++) tv[i] = i % 7 == 0 ? -100 : (i * 13) % 40;
        var t = Tensor.FromArray(tv);
        var w = Tensor.Uniform(new[] { 40 }, 0.5, 2, new Generator(4), DType.Float64);
        var fused = Functional.CrossEntropy(logits, t, w, labelSmoothing: 0.1);
        fused.Backward();
        var gFused = logits.Grad!.ToDoubleArray();
        logits.Grad = null;
        // A weight that requires grad takes the composed (log-softmax + gather) path.
        var wg = w.Clone();
        wg.RequiresGrad = true;
        var composed = Functional.CrossEntropy(logits, t, wg, labelSmoothing: 0.1);
        composed.Backward();
        Assert.Equal(composed.Item(), fused.Item(), 10);
        AssertClose(logits.Grad!.ToDoubleArray(), gFused, 1e-9, 1e-12);
        logits.Grad = null;
    }

    [Fact]
    public void NllLossMatchesCrossEntropyAfterLogSoftmax()
    {
        var a = Leaf(6, 3, 3);
        using var t = Targets(2, -100, 1);
        using var w = ClassWeight();
        using var lp = a.LogSoftmax(1);
        Assert.Equal(Functional.CrossEntropy(a, t, w).Item(), Functional.NllLoss(lp, t, w).Item(), 12);
        AssertGrad(x => Functional.NllLoss(x[0], t, w), a);
    }

    [Fact]
    public void CrossEntropyErrors()
    {
        using var l = Logits();
        using var bad = Targets(2, 3, 1);
        var e = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(l, bad));
        Assert.Contains("cross_entropy", e.Message);
        Assert.Contains("3", e.Message);
        using var neg = Targets(-1, 0, 1);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(l, neg));
        Assert.Contains("-1", e.Message);
        using var shape = Targets(0, 1);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(l, shape));
        Assert.Contains("cross_entropy", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3, 3]", e.Message);
        using var wrongW = Tensor.FromArray(new double[] { 1, 2 });
        using var t = Targets(0, 1, 2);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(l, t, wrongW));
        Assert.Contains("[2]", e.Message);
        using var itarget = Tensor.FromArray(new int[] { 0, 1, 2 });
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(l, itarget));
        Assert.Contains("int64", e.Message);
    }

    [Fact]
    public void BceWithLogitsMatchesPyTorch()
    {
        using var x = Tensor.FromArray(new double[] { -2, 0.5, 3, 100 });
        using var t = Tensor.FromArray(new double[] { 0, 1, 0.5, 0 });
        using var pw = Tensor.FromArray(new double[] { 2 });
        // F.binary_cross_entropy_with_logits(x, t)
        Assert.Equal(25.537398086699206, Functional.BinaryCrossEntropyWithLogits(x, t).Item(), 10);
        // F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.tensor([2.]), reduction='none')
        AssertClose(new[] { 0.1269280110429727, 0.9481539683602134, 1.5728810273606129, 100.0 },
            Functional.BinaryCrossEntropyWithLogits(x, t, reduction: Reduction.None, posWeight: pw).ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void GradCheckBceWithLogits()
    {
        var x = Leaf(1, -3.0, 3.0, 3, 4);
        var t = Leaf(2, 0.0, 1.0, 3, 4);
        var pw = Leaf(3, 0.5, 2, 4);
        var w = Leaf(4, 0.5, 2, 3, 1);
        AssertGrad(v => Functional.BinaryCrossEntropyWithLogits(v[0], v[1]), x, t);
        AssertGrad(v => Functional.BinaryCrossEntropyWithLogits(v[0], v[1], v[3], Reduction.Sum, v[2]), x, t, pw, w);
        var xt = Leaf(5, -3.0, 3.0, 4, 3);
        AssertGrad(v => Functional.BinaryCrossEntropyWithLogits(v[0].T, v[1], reduction: Reduction.None), xt, t);
    }

    [Fact]
    public void BceWithLogitsShapeMismatchNamesOpAndShapes()
    {
        using var x = Tensor.Zeros(3, 4);
        using var t = Tensor.Zeros(4, 3);
        var e = Assert.ThrowsAny<ArgumentException>(() => Functional.BinaryCrossEntropyWithLogits(x, t));
        Assert.Contains("binary_cross_entropy_with_logits", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
        using var t64 = Tensor.Zeros(new[] { 3, 4 }, DType.Float64);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.BinaryCrossEntropyWithLogits(x, t64));
        Assert.Contains("float64", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(x, t64));
        Assert.Contains("cross_entropy", e.Message);
        Assert.Contains("float64", e.Message);
    }
}
