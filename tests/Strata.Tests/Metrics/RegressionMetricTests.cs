using Strata;
using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

public class RegressionMetricTests
{
    // yPred [1, 2, 3, 4], yTrue [1.5, 2, 2, 5]: errors [−0.5, 0, 1, −1]
    //   MSE = (0.25 + 0 + 1 + 1)/4 = 0.5625, MAE = (0.5 + 0 + 1 + 1)/4 = 0.625
    //   R²: mean 2.625, SStot = 1.125² + 0.625² + 0.625² + 2.375² = 7.6875, SSres = 2.25 → 1 − 2.25/7.6875
    private static readonly double[] P = { 1, 2, 3, 4 };
    private static readonly double[] T = { 1.5, 2, 2, 5 };

    [Fact]
    public void ByHandInOneBatchAndTwo()
    {
        foreach (var batches in new[] { new[] { (0, 4) }, new[] { (0, 1), (1, 3) } })
        {
            var mse = new MeanSquaredErrorMetric();
            var mae = new MeanAbsoluteErrorMetric();
            var r2 = new R2Score();
            foreach (var (s, n) in batches)
                foreach (var m in new Metric[] { mse, mae, r2 })
                    m.Update(Tensor.FromArray(P[s..(s + n)], n, 1), Tensor.FromArray(T[s..(s + n)].Select(v => (float)v).ToArray()));
            Assert.Equal(0.5625, mse.Result(), 14);
            Assert.Equal(0.625, mae.Result(), 14);
            Assert.Equal(1 - 2.25 / 7.6875, r2.Result(), 14);
        }
    }

    [Fact]
    public void R2ConstantTargetsAndTooFewSamples()
    {
        var exact = new R2Score();
        exact.Update(Tensor.FromArray(new[] { 2.0, 2, 2 }), Tensor.FromArray(new[] { 2.0, 2, 2 }));
        Assert.Equal(1.0, exact.Result());
        var off = new R2Score();
        off.Update(Tensor.FromArray(new[] { 2.0, 2, 3 }), Tensor.FromArray(new[] { 2.0, 2, 2 }));
        Assert.Equal(0.0, off.Result());
        var one = new R2Score();
        one.Update(Tensor.FromArray(new[] { 2.0 }), Tensor.FromArray(new[] { 1.0 }));
        Assert.True(double.IsNaN(one.Result()));
    }

    [Fact]
    public void R2MultiOutputIsUniformAverage()
    {
        // Output 0 is the hand example above; output 1 is predicted perfectly (R² = 1).
        var pred = new double[8];
        var truth = new double[8];
        for (int i = 0; i < 4; i++)
        {
            (pred[2 * i], truth[2 * i]) = (P[i], T[i]);
            (pred[2 * i + 1], truth[2 * i + 1]) = (i * i, i * i);
        }
        var r2 = new R2Score();
        r2.Update(Tensor.FromArray(pred[..4], 2, 2), Tensor.FromArray(truth[..4], 2, 2));
        r2.Update(Tensor.FromArray(pred[4..], 2, 2), Tensor.FromArray(truth[4..], 2, 2));
        Assert.Equal((1 - 2.25 / 7.6875 + 1) / 2, r2.Result(), 14);
    }

    [Fact]
    public void R2StreamingIsStableForLargeOffsets()
    {
        // Targets around 1e8: Σy² − (Σy)²/n would lose every digit; the merged deviations keep them.
        var truth = Enumerable.Range(0, 10).Select(i => 1e8 + i).ToArray();
        var pred = truth.Select((v, i) => v + (i % 2 == 0 ? 0.5 : -0.5)).ToArray();
        var r2 = new R2Score();
        for (int s = 0; s < 10; s += 3)
        {
            int n = Math.Min(3, 10 - s);
            r2.Update(Tensor.FromArray(pred[s..(s + n)]), Tensor.FromArray(truth[s..(s + n)]));
        }
        Assert.Equal(1 - 2.5 / 82.5, r2.Result(), 9); // SSres = 10·0.25, SStot = Σ(i − 4.5)² = 82.5
    }

    [Fact]
    public void ShapeMismatchIsReported()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MeanSquaredErrorMetric().Update(Tensor.Zeros(4, 2), Tensor.Zeros(4)));
        Assert.Contains("MeanSquaredErrorMetric", ex.Message);
        Assert.Contains("[4, 2]", ex.Message);
        var r2 = new R2Score();
        r2.Update(Tensor.Zeros(3, 2), Tensor.Ones(3, 2));
        ex = Assert.Throws<ArgumentException>(() => r2.Update(Tensor.Zeros(3), Tensor.Ones(3)));
        Assert.Contains("1 outputs", ex.Message);
    }

    [Fact]
    public void MeanIsWeighted()
    {
        var m = new Mean("loss");
        m.Update(2.0, 3);
        m.Update(4.0);
        Assert.Equal(2.5, m.Result(), 15);
        Assert.Equal("loss", m.Name);
        m.Reset();
        Assert.Equal(0, m.Result());
        m.Update(Tensor.FromArray(new[] { 1.0, 2, 3, 4 }), Tensor.FromArray(new[] { 1.0, 0, 1, 2 }));
        Assert.Equal(3.0, m.Result(), 15); // (1 + 0 + 3 + 8) / 4
        m.Reset();
        m.Update(Tensor.FromArray(new[] { 1.0, 3, 5, 7 }, 2, 2), Tensor.FromArray(new[] { 1.0, 3 }));
        Assert.Equal(5.0, m.Result(), 15); // per-sample weights: (4·1 + 12·3) / (2·1 + 2·3)
        m.Reset();
        m.Update(Tensor.FromArray(new[] { 1f, 2f, 6f }));
        Assert.Equal(3.0, m.Result(), 6);
        Assert.Throws<ArgumentException>(() => m.Update(Tensor.FromArray(new[] { 1.0, 3, 5, 7 }), Tensor.FromArray(new[] { 1.0, 3, 2 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Update(1.0, -1));
    }
}
