using System.Text.Json;
using Strata;
using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

/// <summary>
/// Metric values against scikit-learn on random data sets, read from reference/metrics_reference.json (written by
/// tests/reference/make_metrics_reference.py; Python is not needed to run these).
/// </summary>
public class SklearnReferenceTests
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "metrics_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    private static JsonElement Section(string name) => Root.Value.GetProperty(name);
    private static double[] D(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();
    private static int[] I(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray();
    private static double V(JsonElement e, string key) => e.GetProperty(key).ValueKind == JsonValueKind.Array ? D(e, key)[0] : e.GetProperty(key).GetDouble();

    private static void Feed(Metric m, Tensor pred, Tensor truth, int batch)
    {
        int n = pred.Size(0);
        for (int s = 0; s < n; s += batch)
        {
            int len = Math.Min(batch, n - s);
            m.Update(pred.Narrow(0, s, len), truth.Narrow(0, s, len));
        }
    }

    [Fact]
    public void Multiclass()
    {
        var c = Section("multiclass");
        int n = c.GetProperty("n").GetInt32(), k = c.GetProperty("c").GetInt32();
        using var scores = Tensor.FromArray(D(c, "scores"), n, k);
        using var labels = Tensor.FromArray(I(c, "labels").Select(v => (long)v).ToArray());
        void Check(Metric m, double expected)
        {
            Feed(m, scores, labels, 16); // streamed in uneven batches (16, 16, 16, 12)
            Assert.True(Math.Abs(expected - m.Result()) < 1e-12, $"{m.Name}: expected {expected:R}, got {m.Result():R}");
        }
        Check(new Accuracy(), V(c, "accuracy"));
        Check(new TopKAccuracy(2), V(c, "top2"));
        Check(new RocAuc(), V(c, "roc_auc_ovr_macro"));
        Check(new PrAuc(), V(c, "average_precision_macro"));
        foreach (var avg in new[] { Average.Macro, Average.Micro, Average.Weighted })
        {
            string key = avg.ToString().ToLowerInvariant();
            Check(new Precision(avg), V(c, "precision_" + key));
            Check(new Recall(avg), V(c, "recall_" + key));
            Check(new F1Score(avg), V(c, "f1_" + key));
        }
        var perClass = new F1Score(Average.None);
        Feed(perClass, scores, labels, 25);
        TestUtil.AssertClose(D(c, "f1_none"), perClass.PerClass(), 1e-12, 0);
        var precision = new Precision(Average.None);
        Feed(precision, scores, labels, 7);
        TestUtil.AssertClose(D(c, "precision_none"), precision.PerClass(), 1e-12, 0);

        var cm = new ConfusionMatrixMetric(k);
        Feed(cm, scores, labels, 9);
        Assert.Equal(I(c, "confusion").Select(v => (long)v), cm.Matrix.Cast<long>());
    }

    [Fact]
    public void ClassificationReportText()
    {
        var c = Section("multiclass");
        var names = c.GetProperty("names").EnumerateArray().Select(v => v.GetString()!).ToArray();
        var report = Classification.Report(I(c, "labels"), I(c, "pred"), names);
        Assert.Equal(c.GetProperty("report_names").GetString(), report.ToString());
        Assert.Equal(c.GetProperty("report_digits3").GetString(), Classification.Report(I(c, "labels"), I(c, "pred")).ToString(3));
    }

    [Fact]
    public void BinaryWithTiedScores()
    {
        var b = Section("binary");
        var scores = D(b, "scores");
        var labels = I(b, "labels");
        using var pred = Tensor.FromArray(scores);
        using var truth = Tensor.FromArray(labels);
        void Check(Metric m, double expected)
        {
            Feed(m, pred, truth, 12);
            Assert.True(Math.Abs(expected - m.Result()) < 1e-12, $"{m.Name}: expected {expected:R}, got {m.Result():R}");
        }
        Check(new Accuracy(), V(b, "accuracy"));
        Check(new Precision(), V(b, "precision"));
        Check(new Recall(), V(b, "recall"));
        Check(new F1Score(), V(b, "f1"));
        Check(new RocAuc(), V(b, "roc_auc"));
        Check(new PrAuc(), V(b, "average_precision"));

        Assert.Equal(V(b, "roc_auc"), Roc.Auc(scores, labels), 12);
        Assert.Equal(V(b, "average_precision"), PrecisionRecall.AveragePrecision(scores, labels), 12);
        foreach (var (drop, prefix) in new[] { (false, "roc_"), (true, "roc_drop_") })
        {
            var (fpr, tpr, thr) = Roc.Curve(scores, labels, drop);
            TestUtil.AssertClose(D(b, prefix + "fpr"), fpr, 1e-12, 0);
            TestUtil.AssertClose(D(b, prefix + "tpr"), tpr, 1e-12, 0);
            Assert.Equal(double.PositiveInfinity, thr[0]);
            TestUtil.AssertClose(D(b, prefix + "thresholds_tail"), thr[1..], 0, 0);
        }
        var (p, r, t) = PrecisionRecall.Curve(scores, labels);
        TestUtil.AssertClose(D(b, "pr_precision"), p, 1e-12, 0);
        TestUtil.AssertClose(D(b, "pr_recall"), r, 1e-12, 0);
        TestUtil.AssertClose(D(b, "pr_thresholds"), t, 0, 0);
    }

    [Fact]
    public void Regression()
    {
        var g = Section("regression");
        int n = g.GetProperty("n").GetInt32(), k = g.GetProperty("k").GetInt32();
        using var pred = Tensor.FromArray(D(g, "y_pred"), n, k);
        using var truth = Tensor.FromArray(D(g, "y_true"), n, k);
        void Check(Metric m, double expected, Tensor p, Tensor t)
        {
            Feed(m, p, t, 11);
            Assert.True(Math.Abs(expected - m.Result()) < 1e-12, $"{m.Name}: expected {expected:R}, got {m.Result():R}");
        }
        Check(new MeanSquaredErrorMetric(), V(g, "mse"), pred, truth);
        Check(new MeanAbsoluteErrorMetric(), V(g, "mae"), pred, truth);
        Check(new R2Score(), V(g, "r2"), pred, truth);
        Check(new R2Score(), V(g, "r2_first_output"), pred.Select(1, 0), truth.Select(1, 0));
    }
}
