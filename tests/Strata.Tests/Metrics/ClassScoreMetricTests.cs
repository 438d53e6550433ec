using Strata;
using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

public class ClassScoreMetricTests
{
    // Multiclass example worked by hand. yTrue [0,0,1,1,2,2,2], yPred [0,1,1,1,2,0,2]:
    //   confusion (rows true) [[1,1,0],[0,2,0],[1,0,2]]; tp [1,2,2], predicted [2,3,2], support [2,2,3]
    //   precision [1/2, 2/3, 1]   recall [1/2, 1, 2/3]   F1 = 2tp/(predicted+support) = [1/2, 4/5, 4/5]
    //   macro: P = R = 13/18, F1 = 0.7;  micro: 5/7 each
    //   weighted (by support 2,2,3): P = (1 + 4/3 + 3)/7 = 16/21, R = (1 + 2 + 2)/7 = 5/7, F1 = (1 + 1.6 + 2.4)/7 = 5/7
    private static readonly long[] True = { 0, 0, 1, 1, 2, 2, 2 };
    private static readonly long[] Pred = { 0, 1, 1, 1, 2, 0, 2 };

    private static Tensor OneHotScores(long[] classes, int c)
    {
        var v = new float[classes.Length * c];
        for (int i = 0; i < classes.Length; i++)
        {
            for (int j = 0; j < c; j++) v[i * c + j] = 0.1f * j; // a non-trivial background the argmax must beat
            v[i * c + classes[i]] = 2f;
        }
        return Tensor.FromArray(v, classes.Length, c);
    }

    private static double Score(ClassScoreMetric m)
    {
        m.Update(OneHotScores(Pred, 3), Tensor.FromArray(True));
        return m.Result();
    }

    [Fact]
    public void MulticlassAveragesByHand()
    {
        Assert.Equal(13.0 / 18, Score(new Precision()), 12); // null average with 3 classes → macro
        Assert.Equal(13.0 / 18, Score(new Precision(Average.Macro)), 12);
        Assert.Equal(5.0 / 7, Score(new Precision(Average.Micro)), 12);
        Assert.Equal(16.0 / 21, Score(new Precision(Average.Weighted)), 12);
        Assert.Equal(13.0 / 18, Score(new Recall(Average.Macro)), 12);
        Assert.Equal(5.0 / 7, Score(new Recall(Average.Micro)), 12);
        Assert.Equal(5.0 / 7, Score(new Recall(Average.Weighted)), 12);
        Assert.Equal(0.7, Score(new F1Score(Average.Macro)), 12);
        Assert.Equal(5.0 / 7, Score(new F1Score(Average.Micro)), 12);
        Assert.Equal(5.0 / 7, Score(new F1Score(Average.Weighted)), 12);
        Assert.Equal(0.7, Score(new F1Score(Average.None)), 12); // None reports the macro mean
    }

    [Fact]
    public void PerClassValues()
    {
        var p = new Precision(Average.None);
        var r = new Recall(Average.None);
        var f = new F1Score(Average.None);
        foreach (var m in new ClassScoreMetric[] { p, r, f }) m.Update(Tensor.FromArray(Pred), Tensor.FromArray(True));
        TestUtil.AssertClose(new[] { 0.5, 2.0 / 3, 1 }, p.PerClass(), 1e-12, 0);
        TestUtil.AssertClose(new[] { 0.5, 1, 2.0 / 3 }, r.PerClass(), 1e-12, 0);
        TestUtil.AssertClose(new[] { 0.5, 0.8, 0.8 }, f.PerClass(), 1e-12, 0);
        Assert.Equal("precision_none", p.Name);
        Assert.Equal("f1", new F1Score().Name);
        Assert.Equal("f1_macro", new F1Score(Average.Macro).Name);
        Assert.Equal("val_f1", new F1Score(name: "val_f1").Name);
    }

    // Binary example: p [0.9,0.8,0.3,0.6,0.2,0.7] > 0.5 → [1,1,0,1,0,1] vs [1,0,1,1,0,0]:
    // tp 2 (0, 3), fp 2 (1, 5), fn 1 (2) → precision 1/2, recall 2/3, F1 = 4/(4+2+1) = 4/7.
    private static readonly double[] BinaryProbs = { 0.9, 0.8, 0.3, 0.6, 0.2, 0.7 };
    private static readonly long[] BinaryTrue = { 1, 0, 1, 1, 0, 0 };

    [Fact]
    public void BinaryProbabilitiesAndLogits()
    {
        var logits = BinaryProbs.Select(p => Math.Log(p / (1 - p))).ToArray();
        foreach (var (pred, fromLogits) in new[] { (BinaryProbs, false), (logits, true) })
        {
            var p = new Precision(fromLogits: fromLogits);
            var r = new Recall(fromLogits: fromLogits);
            var f = new F1Score(fromLogits: fromLogits);
            foreach (var m in new ClassScoreMetric[] { p, r, f })
                m.Update(Tensor.FromArray(pred.Select(v => (float)v).ToArray(), 6, 1), Tensor.FromArray(BinaryTrue.Select(v => (float)v).ToArray(), 6, 1));
            Assert.Equal(0.5, p.Result(), 12);
            Assert.Equal(2.0 / 3, r.Result(), 12);
            Assert.Equal(4.0 / 7, f.Result(), 12);
        }
        // An explicit average treats the two classes as a multiclass problem: class 0 has tp 1, fp 1, fn 2.
        var macro = new Precision(Average.Macro);
        macro.Update(Tensor.FromArray(BinaryProbs), Tensor.FromArray(BinaryTrue));
        Assert.Equal((0.5 + 0.5) / 2, macro.Result(), 12);
    }

    [Fact]
    public void StreamingEqualsOneShot()
    {
        var g = new Generator(11);
        using var scores = Tensor.Rand(new[] { 45, 4 }, g, DType.Float64);
        var labels = Enumerable.Range(0, 45).Select(i => i * 13 % 4).ToArray();
        foreach (var avg in new Average?[] { null, Average.Macro, Average.Micro, Average.Weighted })
        {
            var whole = new F1Score(avg);
            whole.Update(scores, Tensor.FromArray(labels));
            var streamed = new F1Score(avg);
            foreach (var (s, n) in new[] { (0, 7), (7, 30), (37, 8) })
                streamed.Update(scores.Narrow(0, s, n), Tensor.FromArray(labels[s..(s + n)]));
            Assert.Equal(whole.Result(), streamed.Result(), 15);
            Assert.InRange(whole.Result(), 0.01, 1);
        }
    }

    [Fact]
    public void ConfusionMatrixMetricAccumulates()
    {
        var m = new ConfusionMatrixMetric(3);
        m.Update(OneHotScores(Pred[..3], 3), Tensor.FromArray(True[..3]));
        m.Update(OneHotScores(Pred[3..], 3), Tensor.FromArray(True[3..]));
        Assert.Equal(new long[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 2 } }, m.Matrix);
        Assert.Equal(5.0 / 7, m.Result(), 12);
        var ex = Assert.Throws<ArgumentException>(() => m.Update(OneHotScores(Pred, 4), Tensor.FromArray(True)));
        Assert.Contains("3 classes", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(new long[] { 0, 3 }), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("yPred[1] = 3", ex.Message);
        m.Reset();
        Assert.Equal(new long[3, 3], m.Matrix);

        var binary = new ConfusionMatrixMetric(2);
        binary.Update(Tensor.FromArray(BinaryProbs), Tensor.FromArray(BinaryTrue));
        Assert.Equal(new long[,] { { 1, 2 }, { 1, 2 } }, binary.Matrix);
    }

    [Fact]
    public void ChangingClassCountBetweenBatchesIsReported()
    {
        var m = new Recall();
        m.Update(OneHotScores(Pred, 3), Tensor.FromArray(True));
        var ex = Assert.Throws<ArgumentException>(() => m.Update(OneHotScores(Pred, 4), Tensor.FromArray(True)));
        Assert.Contains("Recall", ex.Message);
        Assert.Contains("Reset", ex.Message);
    }
}
