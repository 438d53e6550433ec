using Strata.NN;
using Strata.Optim;
using Strata.Training;
using Strata.Training.Callbacks;
using Xunit;
using static Strata.Tests.Training.TrainingTestUtil;

namespace Strata.Tests.Training;

public class FitTests
{
    private static Sequential Compiled(double lr = 0.1, ulong seed = 1)
    {
        var m = Mlp(seed);
        m.Compile(p => new SGD(p, lr), new TestCrossEntropy(), new TestAccuracy());
        return m;
    }

    [Fact]
    public void FitLearnsAndRecordsTrainAndValidationHistory()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(200);
        var (vx, vy) = Blobs(60, seed: 99);
        var model = Compiled();
        var history = model.Fit(x, y, epochs: 5, batchSize: 16, validationData: (vx, vy), verbose: 0, seed: 3);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, history.Epochs);
        foreach (var key in new[] { "loss", "accuracy", "val_loss", "val_accuracy" }) Assert.Equal(5, history[key].Count);
        Assert.True(history["loss"][4] < history["loss"][0] * 0.5, $"loss {history["loss"][0]} → {history["loss"][4]}");
        Assert.True(history["val_accuracy"][4] > 0.95);
        // Validation after the last epoch is an evaluation with the final weights.
        var eval = model.Evaluate(vx, vy, batchSize: 7);
        Assert.Equal(history["val_loss"][4], eval["loss"], 5);
        Assert.Equal(history["val_accuracy"][4], eval["accuracy"], 10);
        Assert.Equal(5, model.Epoch);
    }

    [Fact]
    public void ValidationSplitHoldsOutTheLastSamplesBeforeShuffling()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(100);
        var model = Compiled();
        var history = model.Fit(x, y, epochs: 1, batchSize: 10, validationSplit: 0.2, verbose: 0, seed: 1);
        var tail = model.Evaluate(x.Narrow(0, 80, 20), y.Narrow(0, 80, 20));
        Assert.Equal(tail["loss"], history["val_loss"][0], 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, validationSplit: 1.0, verbose: 0));
    }

    [Fact]
    public void SameSeedGivesIdenticalWeights()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(64);
        var a = Compiled();
        var b = Compiled();
        a.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0, seed: 42);
        b.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0, seed: 42);
        Assert.Equal(Weights(a), Weights(b));
        var c = Compiled();
        c.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0, seed: 43);
        Assert.NotEqual(Weights(a), Weights(c));
    }

    [Fact]
    public void PredictMatchesForwardInEvalModeAndRestoresTrainingMode()
    {
        using var scope = Tensor.Scope();
        var (x, _) = Blobs(25);
        var model = new Sequential(new Dense(4, inputFeatures: 2, generator: new Generator(5)), new Dropout(0.5), new Dense(3, inputFeatures: 4, generator: new Generator(6)));
        var p = model.Predict(x, batchSize: 10);
        Assert.Equal(new[] { 25, 3 }, p.Shape.ToArray());
        Assert.True(model.IsTraining);
        model.Eval();
        using (Strata.Autograd.GradMode.NoGrad())
            Assert.Equal(model.Invoke(x).ToArray<float>(), p.ToArray<float>());
    }

    [Fact]
    public void LazyModelIsBuiltFromTheDataBeforeTheOptimizerIsCreated()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(32);
        var model = new Sequential(new Dense(8), new ReLU(), new Dense(2));
        Assert.False(model.IsBuilt);
        model.Compile(p => new Adam(p, 1e-2), new TestCrossEntropy());
        model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0, seed: 1);
        Assert.Equal(2 * 8 + 8 + 8 * 2 + 2, model.ParameterCount());
        Assert.Equal(4, model.Optimizer!.Parameters.Count);
    }

    [Fact]
    public void ClassWeightScalesEachSamplesLoss()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(8);
        var seen = new List<double>();
        var model = Compiled(lr: 0);
        model.Fit(x, y, epochs: 1, batchSize: 8, shuffle: false, verbose: 0, classWeight: new Dictionary<int, double> { [0] = 3.0 },
            callbacks: new[] { new LambdaCallback(onBatchEnd: (_, logs) => seen.Add(logs["loss"])) });
        // Expected: mean over samples of w_i · CE_i with w = 3 for class 0 and 1 for class 1.
        using var noGrad = Strata.Autograd.GradMode.NoGrad();
        var ce = Functional.CrossEntropy(model.Invoke(x), y, reduction: Reduction.None).ToArray<float>();
        var labels = y.ToArray<long>();
        double expected = ce.Select((l, i) => l * (labels[i] == 0 ? 3.0 : 1.0)).Average();
        Assert.Equal(expected, seen[0], 5);
    }

    [Fact]
    public void ErrorsNameTheProblem()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(8);
        var model = Mlp();
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("Compile", e.Message);
        model.Compile(p => new SGD(p, 0.1), new TestCrossEntropy(), new TestAccuracy());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, batchSize: 0, verbose: 0));
        Assert.Throws<ArgumentException>(() => model.Compile(p => new SGD(p, 0.1), new TestCrossEntropy(), new TestAccuracy(), new TestAccuracy()));
    }

    [Fact]
    public void ProgressBarPrintsPlainLinesWhenNotATerminal()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(100);
        var model = Compiled();
        var sw = new StringWriter();
        model.Fit(x, y, epochs: 2, batchSize: 10, verbose: 0, seed: 1, callbacks: new[] { new ProgressBar(1, sw, interactive: false) });
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Contains(lines, l => l.StartsWith(" 5/10 - ETA: ") && l.Contains("loss: ") && l.Contains("accuracy: ") && l.Contains("samples/s"));
        Assert.Contains(lines, l => l.StartsWith("10/10 [==============================] - ") && l.Contains("ms/step"));
        Assert.DoesNotContain('\r', sw.ToString());
        Assert.Equal(2, lines.Count(l => l.StartsWith("Epoch ")));
    }
}
