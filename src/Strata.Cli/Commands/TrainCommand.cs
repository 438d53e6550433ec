using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Strata.Data.Readers;
using Strata.Losses;
using Strata.Metrics;
using Strata.Optim;
using Strata.Plotting;
using Strata.Training;
using Strata.Training.Callbacks;

namespace Strata.Cli.Commands;

/// <summary>`strata train`: trains a model on IDX image data and writes a run folder.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "cnn (the seed CNN), mlp (784-128-10), or PATH to a model architecture JSON", DefaultValueFactory = _ => "cnn", HelpName = "cnn|mlp|PATH" };
        var data = CommonOptions.Data("folder of IDX files named as MNIST's (train-images-idx3-ubyte[.gz], ...); default: the bundled Fashion-MNIST sample");
        var epochs = CommonOptions.Positive(new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => 10 });
        var batchSize = CommonOptions.BatchSize(64);
        var lr = CommonOptions.Positive(new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 1e-3 });
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw, sgd, rmsprop or adagrad", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong(Optimizers.Names.ToArray());
        var seed = new Option<int>("--seed") { Description = "seed for initialisation, shuffling and dropout", DefaultValueFactory = _ => 42 };
        var valSplit = new Option<double>("--validation-split") { Description = "fraction of the training data held out for validation, in [0, 1)", DefaultValueFactory = _ => 0.1 };
        valSplit.Validators.Add(r =>
        {
            if (CommonOptions.TryGetValue<double>(r, out var v) && (v < 0 || v >= 1)) r.AddError($"--validation-split must be in [0, 1), got {v.ToString(CultureInfo.InvariantCulture)}.");
        });
        var schedule = new Option<string>("--lr-schedule") { Description = "constant, or cosine: the rate decays from --lr to 0 over the epochs (cosine annealing, stepped per epoch)", DefaultValueFactory = _ => "cosine" };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var output = new Option<string?>("--out") { Description = "run folder (default: runs/<timestamp>)", HelpName = "DIR" };

        var command = new Command("train", "Train a model and write a run folder: model.safetensors, history.csv, curves.png, confusion.png, roc.png, TensorBoard logs/ and metrics.json.")
        {
            model, data, epochs, batchSize, lr, schedule, optimizer, seed, valSplit, output,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(data), r.GetValue(epochs), r.GetValue(batchSize), r.GetValue(lr),
            r.GetValue(optimizer)!, r.GetValue(seed), r.GetValue(valSplit), r.GetValue(output), r.GetValue(schedule)!));
        return command;
    }

    private static int Run(string modelSpec, string? dataDir, int epochs, int batchSize, double lr, string optimizerName, int seed, double validationSplit, string? outDir, string schedule)
    {
        var total = Stopwatch.StartNew();
        dataDir ??= DataLocator.DefaultDataDirectory();
        outDir ??= Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Generator.ManualSeed((ulong)seed);

        // Every file is read and checked before training starts.
        using var data = FashionMnist.Load(dataDir);
        var classNames = data.ClassNames;
        var model = SeedModels.Create(modelSpec, classNames.Count);
        model.Build(data.Train.SampleShape.ToArray());
        bool probabilities = SeedModels.OutputsProbabilities(model);
        model.Compile(p => Optimizers.Get(optimizerName, p, lr), new SparseCategoricalCrossEntropy(fromLogits: !probabilities), new Accuracy());

        Directory.CreateDirectory(outDir);
        Console.WriteLine($"strata train: {modelSpec} on {dataDir} ({data.Train.Count} train, {data.Test.Count} test images), {epochs} epochs, batch {batchSize}, {optimizerName} lr {lr.ToString(CultureInfo.InvariantCulture)} ({schedule}), seed {seed}");
        Console.WriteLine(model.Summary());

        var modelPath = Path.Combine(outDir, "model.safetensors");
        var timing = new TrainTiming();
        var callbacks = new List<Callback>
        {
            timing,
            new CsvLogger(Path.Combine(outDir, "history.csv")),
            new Training.Callbacks.TensorBoard(Path.Combine(outDir, "logs")),
            new TerminateOnNaN(),
        };
        if (schedule == "cosine")
            callbacks.Add(new LearningRateScheduler((epoch, _) => 0.5 * lr * (1 + Math.Cos(Math.PI * epoch / epochs))));
        var history = model.Fit(data.Train, epochs: epochs, batchSize: batchSize, validationSplit: validationSplit,
            callbacks: callbacks, shuffle: true, seed: seed);
        if (history.StopReason is { } why) Console.WriteLine(why);
        model.Save(modelPath);
        Plots.LearningCurves(history, Path.Combine(outDir, "curves.png"));

        var report = TestReport.Compute(model, data.Test, classNames, Math.Max(batchSize, 256));
        report.Print(Console.Out);
        report.WritePlots(outDir);

        int validationSamples = (int)Math.Floor(data.Train.Count * validationSplit);
        var json = new JsonObject
        {
            ["model"] = modelSpec,
            ["data"] = Path.GetFullPath(dataDir),
            ["train_samples"] = data.Train.Count - validationSamples,
            ["validation_samples"] = validationSamples,
            ["test_samples"] = data.Test.Count,
            ["parameters"] = model.ParameterCount(),
            ["epochs"] = history.Epochs.Count,
            ["batch_size"] = batchSize,
            ["optimizer"] = optimizerName,
            ["learning_rate"] = lr,
            ["lr_schedule"] = schedule,
            ["seed"] = seed,
            ["threads"] = Backends.Cpu.CpuThreadPool.Threads,
            ["train_seconds"] = timing.TrainSeconds,
            ["train_samples_per_sec"] = timing.SamplesPerSecond,
            ["total_seconds"] = total.Elapsed.TotalSeconds,
        };
        foreach (var key in history.Keys) json["final_" + key] = history[key][^1];
        report.AddTo(json);
        JsonOutput.Write(Path.Combine(outDir, "metrics.json"), json);
        Console.WriteLine(FormattableString.Invariant($"test accuracy {report.Accuracy:P2}; run folder {Path.GetFullPath(outDir)} ({total.Elapsed.TotalSeconds:F0} s)"));
        return 0;
    }

    /// <summary>Time spent in training batches only (validation excluded), for train_samples_per_sec.</summary>
    private sealed class TrainTiming : Callback
    {
        private readonly Stopwatch _clock = new();
        private long _samples;

        public double TrainSeconds => _clock.Elapsed.TotalSeconds;
        public double SamplesPerSecond => TrainSeconds > 0 ? _samples / TrainSeconds : 0;

        public override void OnEpochBegin(int epoch) => _clock.Start();

        public override void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
        {
            _samples += Math.Min(Params!.BatchSize, Params.Samples - (long)batch * Params.BatchSize);
            if (batch == Params.StepsPerEpoch - 1) _clock.Stop();
        }

        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => _clock.Stop();
    }
}
