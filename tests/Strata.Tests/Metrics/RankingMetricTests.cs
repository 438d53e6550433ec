using Strata;
using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

public class RankingMetricTests
{
    // Ties: scores [0.8, 0.8, 0.4, 0.4, 0.1], labels [1, 0, 1, 0, 0] (2 positives, 3 negatives).
    //   distinct thresholds 0.8 / 0.4 / 0.1 → (fp, tp) = (1, 1), (2, 2), (3, 2)
    //   ROC: fpr [0, 1/3, 2/3, 1], tpr [0, 1/2, 1, 1]; trapezoids 1/12 + 3/12 + 4/12 = 2/3
    //   Mann-Whitney check: pos 0.8 vs negs (0.8 tie, 0.4, 0.1) = 2.5, pos 0.4 vs (0.8, 0.4 tie, 0.1) = 1.5 → 4/6
    //   PR (thresholds rising 0.1, 0.4, 0.8): precision [2/5, 1/2, 1/2, 1], recall [1, 1, 1/2, 0]
    //   AP = (1/2 − 0)·1/2 + (1 − 1/2)·1/2 + 0·2/5 = 1/2
    private static readonly double[] TiedScores = { 0.8, 0.8, 0.4, 0.4, 0.1 };
    private static readonly int[] TiedLabels = { 1, 0, 1, 0, 0 };

    [Fact]
    public void RocCurveWithTies()
    {
        var (fpr, tpr, thr) = Roc.Curve(TiedScores, TiedLabels, dropIntermediate: false);
        TestUtil.AssertClose(new[] { 0, 1.0 / 3, 2.0 / 3, 1 }, fpr, 1e-15, 0);
        TestUtil.AssertClose(new[] { 0, 0.5, 1, 1 }, tpr, 1e-15, 0);
        Assert.Equal(new[] { double.PositiveInfinity, 0.8, 0.4, 0.1 }, thr);
        Assert.Equal(2.0 / 3, Roc.Auc(TiedScores, TiedLabels), 14);
    }

    [Fact]
    public void RocDropsCollinearPoints()
    {
        // (fp, tp) at 0.9/0.8/0.7/0.6 = (0,1), (0,2), (0,3), (1,3): the 0.8 point lies on the line between its
        // neighbours and is dropped; the others are corners.
        var (fpr, tpr, thr) = Roc.Curve(new[] { 0.9, 0.8, 0.7, 0.6 }, new[] { 1, 1, 1, 0 });
        Assert.Equal(new[] { double.PositiveInfinity, 0.9, 0.7, 0.6 }, thr);
        TestUtil.AssertClose(new[] { 0, 0, 0, 1.0 }, fpr, 0, 0);
        TestUtil.AssertClose(new[] { 0, 1.0 / 3, 1, 1 }, tpr, 1e-15, 0);
        Assert.Equal(1.0, Roc.Auc(new[] { 0.9, 0.8, 0.7, 0.6 }, new[] { 1, 1, 1, 0 }), 15);
    }

    [Fact]
    public void PrecisionRecallWithTies()
    {
        var (p, r, t) = PrecisionRecall.Curve(TiedScores, TiedLabels);
        TestUtil.AssertClose(new[] { 0.4, 0.5, 0.5, 1 }, p, 1e-15, 0);
        TestUtil.AssertClose(new[] { 1, 1, 0.5, 0 }, r, 1e-15, 0);
        Assert.Equal(new[] { 0.1, 0.4, 0.8 }, t);
        Assert.Equal(0.5, PrecisionRecall.AveragePrecision(TiedScores, TiedLabels), 15);
    }

    [Fact]
    public void ArrayApiErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => Roc.Auc(new[] { 0.1, 0.2 }, new[] { 1, 1 }));
        Assert.Contains("Roc.Auc", ex.Message);
        Assert.Contains("only class 1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Roc.Curve(new[] { 0.1, 0.2 }, new[] { 0, 2 }));
        Assert.Contains("label 1 is 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Roc.Curve(new[] { 0.1, double.NaN }, new[] { 0, 1 }));
        Assert.Contains("NaN", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => PrecisionRecall.Curve(new[] { 0.1, 0.2, 0.3 }, new[] { 0, 1 }));
        Assert.Contains("3 scores but 2 labels", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => PrecisionRecall.AveragePrecision(new[] { 0.1, 0.2 }, new[] { 0, 0 }));
        Assert.Contains("no positive", ex.Message);
    }

    [Fact]
    public void RocAucMetricStreamsExactly()
    {
        var m = new RocAuc();
        Assert.True(double.IsNaN(m.Result()));
        m.Update(Tensor.FromArray(new[] { 0.8f, 0.8f }), Tensor.FromArray(new long[] { 1, 0 }));
        Assert.True(double.IsNaN(new RocAuc().Result()));
        m.Update(Tensor.FromArray(new[] { 0.4f, 0.4f, 0.1f }, 3, 1), Tensor.FromArray(new[] { 1f, 0f, 0f }, 3, 1));
        Assert.Equal(2.0 / 3, m.Result(), 6); // float32 scores, same ranking
        Assert.Equal("auc", m.Name);
        var ap = new PrAuc();
        ap.Update(Tensor.FromArray(TiedScores[..2]), Tensor.FromArray(new long[] { 1, 0 }));
        ap.Update(Tensor.FromArray(TiedScores[2..]), Tensor.FromArray(new long[] { 1, 0, 0 }));
        Assert.Equal(0.5, ap.Result(), 15);
        m.Reset();
        Assert.True(double.IsNaN(m.Result()));
    }

    [Fact]
    public void RocAucMetricOnlyOneClassIsNaN()
    {
        var m = new RocAuc();
        m.Update(Tensor.FromArray(new[] { 0.3, 0.7 }), Tensor.FromArray(new long[] { 0, 0 }));
        Assert.True(double.IsNaN(m.Result()));
        var ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(new[] { 0.3, 0.7 }), Tensor.FromArray(new long[] { 0, 2 })));
        Assert.Contains("RocAuc: yTrue[1] = 2 is not a binary target", ex.Message);
    }

    [Fact]
    public void MulticlassOneVsRestSkipsClassesWithoutBothLabels()
    {
        // labels [0, 1, 0, 1]; class 0 column [0.6, 0.2, 0.5, 0.3] ranks both class-0 samples first → AUC 1;
        // class 1 column [0.3, 0.7, 0.4, 0.2]: positive 0.7 beats both negatives, positive 0.2 neither → 1/2;
        // class 2 never occurs (no positives) → left out. Macro = 3/4.
        var scores = Tensor.FromArray(new[] { 0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.5, 0.4, 0.1, 0.3, 0.2, 0.5 }, 4, 3);
        var m = new RocAuc();
        m.Update(scores, Tensor.FromArray(new long[] { 0, 1, 0, 1 }));
        Assert.Equal(0.75, m.Result(), 15);
        // AP: class 0 → 1; class 1 ranks 0.7 (pos), 0.4, 0.3, 0.2 (pos) → 1/2·1 + 1/2·2/4 = 3/4 → macro 7/8.
        var ap = new PrAuc();
        ap.Update(scores, Tensor.FromArray(new long[] { 0, 1, 0, 1 }));
        Assert.Equal(0.875, ap.Result(), 15);
        var ex = Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(new[] { 0.1, 0.2 }), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("1 score column(s) but earlier batches had 3", ex.Message);
    }
}
