using Strata;
using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

public class AccuracyTests
{
    // Scores → argmax [1, 0, 2, 1] against labels [1, 2, 2, 0]: samples 0 and 2 are right → 2/4.
    private static readonly float[] Scores = { 0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f, 0.2f, 0.2f, 0.6f, 0.3f, 0.4f, 0.3f };
    private static readonly long[] Labels = { 1, 2, 2, 0 };

    [Fact]
    public void SparseLabelsAgainstScores()
    {
        var m = new Accuracy();
        m.Update(Tensor.FromArray(Scores, 4, 3), Tensor.FromArray(Labels));
        Assert.Equal(0.5, m.Result(), 12);
        Assert.Equal("accuracy", m.Name);
    }

    [Fact]
    public void OneHotTargetsFloat64ScoresAndInt32Labels()
    {
        var oneHot = new double[12];
        for (int i = 0; i < 4; i++) oneHot[i * 3 + Labels[i]] = 1;
        var scores64 = Scores.Select(v => (double)v).ToArray();
        var m = new Accuracy();
        m.Update(Tensor.FromArray(scores64, 4, 3), Tensor.FromArray(oneHot, 4, 3));
        Assert.Equal(0.5, m.Result(), 12);
        m.Reset();
        m.Update(Tensor.FromArray(scores64, 4, 3), Tensor.FromArray(oneHot.Select(v => (long)v).ToArray(), 4, 3));
        Assert.Equal(0.5, m.Result(), 12);
        m.Reset();
        m.Update(Tensor.FromArray(scores64, 4, 3), Tensor.FromArray(Labels.Select(l => (int)l).ToArray(), 4, 1));
        Assert.Equal(0.5, m.Result(), 12);
    }

    [Fact]
    public void BinaryProbabilitiesThresholdIsStrict()
    {
        // p > 0.5 → [1, 0, 0, 1] (0.5 itself is negative, as Keras) vs [1, 0, 1, 0] → 2/4.
        var m = new Accuracy();
        m.Update(Tensor.FromArray(new[] { 0.9f, 0.4f, 0.5f, 0.6f }, 4, 1), Tensor.FromArray(new[] { 1f, 0f, 1f, 0f }, 4, 1));
        Assert.Equal(0.5, m.Result(), 12);
        // threshold 0.45 → [1, 0, 1, 1] → 3/4.
        var t = new Accuracy(threshold: 0.45);
        t.Update(Tensor.FromArray(new[] { 0.9f, 0.4f, 0.5f, 0.6f }), Tensor.FromArray(new long[] { 1, 0, 1, 0 }));
        Assert.Equal(0.75, t.Result(), 12);
    }

    [Fact]
    public void BinaryLogitsCutAtZero()
    {
        // logits > 0 → [1, 0, 0, 1] vs [1, 0, 1, 0] → 2/4; read as probabilities every one of them but -1 is > 0.5.
        var logits = Tensor.FromArray(new[] { 2.0, -1.0, 0.0, 0.3 });
        var targets = Tensor.FromArray(new long[] { 1, 0, 1, 0 });
        var m = new Accuracy(fromLogits: true);
        m.Update(logits, targets);
        Assert.Equal(0.5, m.Result(), 12);
        var p = new Accuracy();
        p.Update(logits, targets); // [1, 0, 0, 0]
        Assert.Equal(0.75, p.Result(), 12);
    }

    [Fact]
    public void IntegerPredictionsAreClassIndices()
    {
        var m = new Accuracy();
        m.Update(Tensor.FromArray(new long[] { 0, 3, 2, 2, 1 }), Tensor.FromArray(new long[] { 0, 3, 1, 2, 2 }));
        Assert.Equal(0.6, m.Result(), 12);
    }

    [Fact]
    public void StreamingEqualsOneShotAndResetForgets()
    {
        var g = new Generator(7);
        using var scores = Tensor.Rand(new[] { 37, 5 }, g);
        var labels = Enumerable.Range(0, 37).Select(i => (long)(i * 7 % 5)).ToArray();
        var whole = new Accuracy();
        whole.Update(scores, Tensor.FromArray(labels));
        var streamed = new Accuracy();
        foreach (var (start, len) in new[] { (0, 10), (10, 1), (11, 20), (31, 6) })
            streamed.Update(scores.Narrow(0, start, len), Tensor.FromArray(labels[start..(start + len)]));
        Assert.Equal(whole.Result(), streamed.Result(), 15);
        Assert.True(whole.Result() > 0);
        streamed.Reset();
        Assert.Equal(0, streamed.Result());
    }

    [Fact]
    public void RunsWithoutGradAndKeepsNoTensor()
    {
        var scores = Tensor.FromArray(Scores, 4, 3);
        scores.RequiresGrad = true;
        var labels = Tensor.FromArray(Labels);
        var m = new Accuracy();
        m.Update(scores * 2.0, labels); // a graph node as input: read, not recorded further
        scores.Dispose();
        labels.Dispose();
        Assert.Equal(0.5, m.Result(), 12);
    }

    [Fact]
    public void TopKCountsTargetAmongBestAndTiesFavourTarget()
    {
        // Row 0: label 2 has one higher score (0.5) → in top 2. Row 1: label 0, two higher → out.
        // Row 2: label 1 ties the best (0.4 = 0.4): nothing strictly higher → in (TensorFlow in_top_k).
        var scores = Tensor.FromArray(new[] { 0.1f, 0.5f, 0.3f, 0.1f, 0.1f, 0.5f, 0.3f, 0.1f, 0.4f, 0.4f, 0.2f, 0f }, 3, 4);
        var top2 = new TopKAccuracy(2);
        top2.Update(scores, Tensor.FromArray(new long[] { 2, 0, 1 }));
        Assert.Equal(2.0 / 3, top2.Result(), 12);
        Assert.Equal("top2_accuracy", top2.Name);
        var top1 = new TopKAccuracy(1);
        top1.Update(scores, Tensor.FromArray(new long[] { 2, 0, 1 }));
        Assert.Equal(1.0 / 3, top1.Result(), 12);
        var top4 = new TopKAccuracy(4);
        top4.Update(scores, Tensor.FromArray(new long[] { 2, 0, 1 }));
        Assert.Equal(1.0, top4.Result(), 12);
    }

    [Fact]
    public void BadInputsNameTheMetricAndTheProblem()
    {
        var m = new Accuracy();
        var ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(Scores, 4, 3), Tensor.FromArray(new long[] { 1, 2, 3, 0 })));
        Assert.Contains("Accuracy", ex.Message);
        Assert.Contains("yTrue[2] = 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(Scores, 4, 3), Tensor.FromArray(new long[] { 1, 2, 0 })));
        Assert.Contains("4 samples", ex.Message);
        Assert.Contains("[3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(new[] { 0.2f, 0.9f }), Tensor.FromArray(new long[] { 0, 2 })));
        Assert.Contains("0 or 1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.Zeros(2, 3, 4), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("[2, 3, 4]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(new[] { 0.2f, 0.9f }), Tensor.FromArray(new[] { 0.5f, 1f })));
        Assert.Contains("yTrue[0] = 0.5", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Accuracy(threshold: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKAccuracy(0));
        ex = Assert.Throws<ArgumentException>(() => new TopKAccuracy(2).Update(Tensor.FromArray(new[] { 0.2f, 0.9f }), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("TopKAccuracy", ex.Message);
    }
}
