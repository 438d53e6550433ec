using Strata.Losses;
using Strata.Metrics;
using Strata.NN;

namespace Strata.Tests.Training;

/// <summary>Small fixtures for the Fit-loop tests: a fixed two-class problem and deterministic models.</summary>
internal static class TrainingTestUtil
{
    /// <summary>Two Gaussian blobs in 2-D, labels 0/1 (int64); deterministic.</summary>
    public static (Tensor X, Tensor Y) Blobs(int n, ulong seed = 7)
    {
        var g = new Generator(seed);
        var x = new float[n * 2];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 2;
            y[i] = c;
            x[2 * i] = (float)(c == 0 ? -1 : 1) + (float)(g.NextDouble() - 0.5);
            x[2 * i + 1] = (float)(c == 0 ? 1 : -1) + (float)(g.NextDouble() - 0.5);
        }
        var tx = Tensor.FromArray(x, n, 2);
        var ty = Tensor.FromArray(y, n);
        TensorScope.Current?.Keep(tx);
        TensorScope.Current?.Keep(ty);
        return (tx, ty);
    }

    public static Sequential Mlp(ulong seed = 1) =>
        new(new Dense(8, inputFeatures: 2, generator: new Generator(seed)), new Tanh(), new Dense(2, inputFeatures: 8, generator: new Generator(seed + 1)));

    public static float[] Weights(Module m) => m.Parameters().SelectMany(p => p.Data.To(DType.Float32).ToArray<float>()).ToArray();
}

/// <summary>Mean softmax cross-entropy from logits with Keras sample weighting (sum(w·l)/N), built from the fused op.</summary>
internal sealed class TestCrossEntropy : Loss
{
    public TestCrossEntropy() : base(Reduction.Mean) { }
    public override string Name => "test_ce";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        if (sampleWeight is null) return Functional.CrossEntropy(yPred, yTrue);
        var perSample = Functional.CrossEntropy(yPred, yTrue, reduction: Reduction.None);
        return (perSample * sampleWeight).Mean();
    }
}

/// <summary>Fraction of argmax predictions equal to int labels.</summary>
internal sealed class TestAccuracy : Metric
{
    private long _correct, _total;
    public override string Name => "accuracy";

    public override void Update(Tensor yPred, Tensor yTrue)
    {
        var p = yPred.Argmax(-1).ToArray<long>();
        var t = yTrue.To(DType.Int64).ToArray<long>();
        for (int i = 0; i < p.Length; i++) if (p[i] == t[i]) _correct++;
        _total += p.Length;
    }

    public override double Result() => _total == 0 ? 0 : (double)_correct / _total;
    public override void Reset() { _correct = 0; _total = 0; }
}
