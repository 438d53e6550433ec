using Strata.NN;
using Strata.Optim;
using Strata.Tests.TensorBoard;
using Strata.Training;
using Strata.Training.Callbacks;
using Xunit;
using static Strata.Tests.Training.TrainingTestUtil;

namespace Strata.Tests.Training;

/// <summary>These tests reseed the process-wide default generator, so they must not run beside other tests.</summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public class DefaultGeneratorCollection { }

[Collection("DefaultGenerator")]
public class CheckpointTests
{
    private static Sequential DropoutModel() =>
        new(new Dense(16, inputFeatures: 2, generator: new Generator(21)), new ReLU(), new Dropout(0.3),
            new Dense(2, inputFeatures: 16, generator: new Generator(22)));

    private static void Compile(Model m) => m.Compile(p => new Adam(p, 1e-2), new TestCrossEntropy(), new TestAccuracy());

    [Fact]
    public void ResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        using var scope = Tensor.Scope();
        var dir = Directory.CreateTempSubdirectory("strata-resume");
        try
        {
            var (x, y) = Blobs(96);
            Generator.ManualSeed(123);
            var straight = DropoutModel();
            Compile(straight);
            straight.Fit(x, y, epochs: 4, batchSize: 16, verbose: 0, seed: 9);

            Generator.ManualSeed(123);
            var first = DropoutModel();
            Compile(first);
            var path = Path.Combine(dir.FullName, "ckpt-{epoch:02d}.safetensors");
            first.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0, seed: 9, callbacks: new[] { new ModelCheckpoint(path, monitor: "loss") });
            Assert.True(File.Exists(Path.Combine(dir.FullName, "ckpt-02.safetensors")));
            Assert.NotEqual(Weights(straight), Weights(first));

            Generator.ManualSeed(999); // whatever ran in between, the checkpoint's generator state wins
            var resumed = Model.Load(Path.Combine(dir.FullName, "ckpt-02.safetensors"), restoreRandomState: true);
            Assert.Equal(2, resumed.Epoch);
            Compile(resumed);
            var history = resumed.Fit(x, y, epochs: 4, batchSize: 16, verbose: 0, seed: 9, initialEpoch: resumed.Epoch);
            Assert.Equal(new[] { 2, 3 }, history.Epochs);
            Assert.Equal(Weights(straight), Weights(resumed));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void SaveLoadPredictGivesIdenticalOutputs()
    {
        using var scope = Tensor.Scope();
        var dir = Directory.CreateTempSubdirectory("strata-save");
        try
        {
            var (x, y) = Blobs(40);
            var model = new Sequential(new Dense(8), new ReLU(), new BatchNorm1D(), new Dense(2), new Softmax());
            model.Compile(p => new SGD(p, 0.1, momentum: 0.9), new TestCrossEntropy());
            model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0, seed: 1);
            var path = Path.Combine(dir.FullName, "model.safetensors");
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Predict(x).ToArray<float>(), loaded.Predict(x).ToArray<float>());
            Assert.Equal(model.StateDict().Keys, loaded.StateDict().Keys);
            Assert.Equal(2, loaded.Epoch);
            Assert.Equal(model.ParameterCount(), loaded.ParameterCount());
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void SaveBestOnlyWritesOnlyImprovements()
    {
        var dir = Directory.CreateTempSubdirectory("strata-best");
        try
        {
            var model = Mlp();
            Compile(model);
            model.Build(2);
            model.EnsureOptimizer();
            var cb = new ModelCheckpoint(Path.Combine(dir.FullName, "best-{epoch}-{val_loss:.2f}.safetensors"), saveBestOnly: true) { Model = model };
            cb.OnTrainBegin(new Dictionary<string, double>());
            double[] val = { 0.9, 0.7, 0.8, 0.6 };
            for (int e = 0; e < val.Length; e++) cb.OnEpochEnd(e, new Dictionary<string, double> { ["val_loss"] = val[e] });
            var names = Directory.GetFiles(dir.FullName).Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(new[] { "best-1-0.90.safetensors", "best-2-0.70.safetensors", "best-4-0.60.safetensors" }, names);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void TensorBoardWritesTrainAndValidationScalarsPerEpoch()
    {
        using var scope = Tensor.Scope();
        var dir = Directory.CreateTempSubdirectory("strata-tb");
        try
        {
            var (x, y) = Blobs(40);
            var model = Mlp();
            Compile(model);
            var history = model.Fit(x, y, epochs: 3, batchSize: 10, validationSplit: 0.25, verbose: 0, seed: 1,
                callbacks: new[] { new Strata.Training.Callbacks.TensorBoard(dir.FullName) });
            var train = TfEventReader.Read(Directory.GetFiles(Path.Combine(dir.FullName, "train"))[0]);
            var val = TfEventReader.Read(Directory.GetFiles(Path.Combine(dir.FullName, "validation"))[0]);
            var trainLoss = train.SelectMany(e => e.Scalars.Where(s => s.Tag == "epoch_loss").Select(s => (e.Step, s.Value))).ToList();
            var valAcc = val.SelectMany(e => e.Scalars.Where(s => s.Tag == "epoch_accuracy").Select(s => (e.Step, s.Value))).ToList();
            Assert.Equal(new long[] { 0, 1, 2 }, trainLoss.Select(t => t.Step));
            Assert.Equal(history["loss"].Select(v => (float)v), trainLoss.Select(t => t.Value));
            Assert.Equal(history["val_accuracy"].Select(v => (float)v), valAcc.Select(t => t.Value));
            Assert.Contains(train, e => e.Scalars.Any(s => s.Tag == "epoch_learning_rate" && s.Value == 1e-2f));
        }
        finally { dir.Delete(true); }
    }
}
