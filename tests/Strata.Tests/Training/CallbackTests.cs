using Strata.NN;
using Strata.Optim;
using Strata.Training;
using Strata.Training.Callbacks;
using Xunit;
using static Strata.Tests.Training.TrainingTestUtil;

namespace Strata.Tests.Training;

public class CallbackTests
{
    /// <summary>Runs a callback's epoch hooks over scripted logs, the way Fit calls them.</summary>
    private static void Drive(Callback cb, Model model, params double[] valLoss)
    {
        cb.Model = model;
        cb.OnTrainBegin(new Dictionary<string, double>());
        for (int e = 0; e < valLoss.Length && !model.StopTraining; e++)
        {
            cb.OnEpochBegin(e);
            cb.OnEpochEnd(e, new Dictionary<string, double> { ["loss"] = 1.0, ["val_loss"] = valLoss[e], ["val_accuracy"] = 1 - valLoss[e] });
        }
    }

    private static Sequential CompiledMlp(double lr)
    {
        var m = Mlp();
        m.Compile(new SGD(m.Parameters(), lr), new TestCrossEntropy(), new TestAccuracy());
        return m;
    }

    [Fact]
    public void EarlyStoppingCountsEpochsWithoutImprovement()
    {
        var model = CompiledMlp(0.1);
        var es = new EarlyStopping(patience: 2);
        // best at epoch 1 (0.5); epochs 2 and 3 do not improve → stop at epoch 3.
        Drive(es, model, 0.9, 0.5, 0.6, 0.55, 0.1);
        Assert.True(model.StopTraining);
        Assert.Equal(3, es.StoppedEpoch);
        Assert.Equal(1, es.BestEpoch);
        Assert.Equal(0.5, es.BestValue);
        Assert.Contains("val_loss did not improve for 2 epoch(s)", es.StopReason);
    }

    [Fact]
    public void EarlyStoppingMinDeltaAndMaxModeForAccuracy()
    {
        var model = CompiledMlp(0.1);
        // val_accuracy = 1 - val_loss: 0.1, 0.5, 0.505 (gain below minDelta 0.01), 0.505 → stop at epoch 3 with patience 2.
        var es = new EarlyStopping(monitor: "val_accuracy", minDelta: 0.01, patience: 2);
        Drive(es, model, 0.9, 0.5, 0.495, 0.495);
        Assert.Equal(3, es.StoppedEpoch);
        Assert.Equal(0.5, es.BestValue, 12);
    }

    [Fact]
    public void EarlyStoppingMissingMonitorSaysWhatIsAvailable()
    {
        var model = CompiledMlp(0.1);
        var es = new EarlyStopping(monitor: "val_auc");
        var e = Assert.Throws<InvalidOperationException>(() => Drive(es, model, 0.5));
        Assert.Contains("'val_auc'", e.Message);
        Assert.Contains("val_loss", e.Message);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeights()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(64);
        var (vx, vy) = Blobs(32, seed: 11);
        // Validation labels are flipped, so the better the model fits, the worse val_loss gets: best at epoch 0.
        var flipped = (1.0 - vy).To(DType.Int64);
        var model = CompiledMlp(0.5);
        var perEpoch = new List<(double ValLoss, float[] W)>();
        var schedule = new LearningRateScheduler((epoch, lr) => 0.5 / (1 + epoch));
        var record = new LambdaCallback(onEpochEnd: (_, logs) => perEpoch.Add((logs["val_loss"], Weights(model))));
        var es = new EarlyStopping(patience: 2, restoreBestWeights: true);
        var history = model.Fit(x, y, epochs: 20, batchSize: 8, validationData: (vx, flipped), verbose: 0, seed: 1,
            callbacks: new Callback[] { schedule, record, es });
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(2, es.StoppedEpoch);
        Assert.Contains("EarlyStopping", history.StopReason);
        int best = perEpoch.Select((p, i) => (p.ValLoss, i)).Min().i;
        Assert.Equal(0, best);
        Assert.Equal(best, es.BestEpoch);
        Assert.NotEqual(perEpoch[2].W, Weights(model));
        Assert.Equal(perEpoch[best].W, Weights(model));
        Assert.Equal(new[] { 0.5, 0.25, 0.5 / 3 }, history["learning_rate"]);
    }

    [Fact]
    public void ReduceLROnPlateauFollowsKerasRules()
    {
        var model = CompiledMlp(1.0);
        var cb = new ReduceLROnPlateau(factor: 0.5, patience: 1, cooldown: 2, minLr: 0.2);
        var lrs = new List<double>();
        cb.Model = model;
        cb.OnTrainBegin(new Dictionary<string, double>());
        double[] val = { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 };
        for (int e = 0; e < val.Length; e++)
        {
            cb.OnEpochEnd(e, new Dictionary<string, double> { ["val_loss"] = val[e] });
            lrs.Add(model.Optimizer!.LearningRate);
        }
        // Keras counts the cooldown down before testing it: e0 best; e1 → 0.5 (cooldown 2); e2 in cooldown; e3 → 0.25; e4 in cooldown; e5 → max(0.125, 0.2); e6 in cooldown.
        Assert.Equal(new[] { 1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2 }, lrs);
    }

    [Fact]
    public void TerminateOnNaNNamesEpochAndBatch()
    {
        using var scope = Tensor.Scope();
        var (x, y) = Blobs(64);
        var values = x.ToArray<float>();
        values[2 * 20] = float.NaN; // sample 20 is in batch 3 (batch size 8, no shuffle)
        var poisoned = Tensor.FromArray(values, 64, 2);
        var model = CompiledMlp(0.1);
        var sw = new StringWriter();
        var history = model.Fit(poisoned, y, epochs: 5, batchSize: 8, shuffle: false, verbose: 0, callbacks: new[] { new TerminateOnNaN(sw) });
        Assert.Equal("TerminateOnNaN: the loss became NaN at epoch 1, batch 3; training stopped.", history.StopReason);
        Assert.Contains(history.StopReason!, sw.ToString());
        Assert.Single(history.Epochs); // as Keras, the interrupted epoch still ends (and is recorded)
    }

    [Fact]
    public void CsvLoggerWritesOneRowPerEpoch()
    {
        using var scope = Tensor.Scope();
        var dir = Directory.CreateTempSubdirectory("strata-csv");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "history.csv");
            var (x, y) = Blobs(40);
            var model = CompiledMlp(0.1);
            var history = model.Fit(x, y, epochs: 3, batchSize: 10, validationSplit: 0.25, verbose: 0, seed: 1, callbacks: new[] { new CsvLogger(path) });
            var lines = File.ReadAllLines(path);
            Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
            Assert.Equal(4, lines.Length);
            var row = lines[3].Split(',');
            Assert.Equal("2", row[0]);
            Assert.Equal(history["loss"][2], double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp*"));
        }
        finally { dir.Delete(true); }
    }
}
