using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Strata.Data;
using Strata.Data.Readers;
using Strata.Losses;
using Strata.Metrics;
using Strata.Optim;
using Strata.Plotting;
using Strata.Training;
using Strata.Training.Callbacks;

namespace Strata.Cli.Commands;

/// <summary>`strata train`: trains a model on IDX image data or labelled text (CSV/TSV) and writes a run folder.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "cnn (the seed CNN), mlp (784-128-10), or PATH to a model architecture JSON (required for text data)", DefaultValueFactory = _ => "cnn", HelpName = "cnn|mlp|PATH" };
        var data = CommonOptions.Data("folder of IDX files named as MNIST's (train-images-idx3-ubyte[.gz], ...); or labelled text: a CSV/TSV file, or a folder of CLASS.txt files (entries separated by '%' lines, else one per line); default: the bundled Fashion-MNIST sample");
        var epochs = CommonOptions.Positive(new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => 10 });
        var batchSize = CommonOptions.BatchSize(64);
        var lr = CommonOptions.Positive(new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 1e-3 });
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw, sgd, rmsprop or adagrad", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong(Optimizers.Names.ToArray());
        var seed = new Option<int>("--seed") { Description = "seed for initialisation, shuffling and dropout", DefaultValueFactory = _ => 42 };
        var valSplit = CommonOptions.Fraction(new Option<double>("--validation-split") { Description = "fraction of the training data held out for validation, in [0, 1)", DefaultValueFactory = _ => 0.1 }, allowZero: true);
        var schedule = new Option<string>("--lr-schedule") { Description = "constant, or cosine: the rate decays from --lr to 0 over the epochs (cosine annealing, stepped per epoch)", DefaultValueFactory = _ => "cosine" };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var output = new Option<string?>("--out") { Description = "run folder (default: runs/<timestamp>)", HelpName = "DIR" };
        var text = new TextOptions();

        var command = new Command("train", "Train a model and write a run folder: model.safetensors, history.csv, curves.png, confusion.png, roc.png, TensorBoard logs/ and metrics.json.")
        {
            model, data, epochs, batchSize, lr, schedule, optimizer, seed, valSplit, output,
            text.TextColumn, text.LabelColumn, text.Tokenizer, text.MaxLength, text.TestSplit,
        };
        command.SetAction(r => Run(new Settings(r.GetValue(model)!, r.GetValue(data), r.GetValue(epochs), r.GetValue(batchSize), r.GetValue(lr),
            r.GetValue(optimizer)!, r.GetValue(seed), r.GetValue(valSplit), r.GetValue(output), r.GetValue(schedule)!, text.Read(r))));
        return command;
    }

    private sealed record Settings(string ModelSpec, string? DataPath, int Epochs, int BatchSize, double Lr, string OptimizerName, int Seed,
        double ValidationSplit, string? OutDir, string Schedule, TextSettings Text);

    /// <summary>The train and test sets, the class names and what to say about them, for image or text data alike.</summary>
    private sealed record TrainingSet(TensorDataset Train, TensorDataset Test, IReadOnlyList<string> ClassNames, string Description, JsonObject Extra);

    private static int Run(Settings s)
    {
        var total = Stopwatch.StartNew();
        string dataPath = s.DataPath ?? DataLocator.DefaultDataDirectory();
        string outDir = s.OutDir ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Generator.ManualSeed((ulong)s.Seed);

        // Every file is read and checked before training starts.
        Model model;
        TrainingSet set;
        TrainTestDatasets? images = null;
        if (TextData.IsText(dataPath))
        {
            if (s.ModelSpec.ToLowerInvariant() is "cnn" or "mlp")
                throw new CliException($"{dataPath} is text; the {s.ModelSpec} model takes images. Pass --model PATH to a text model JSON that starts with an Embedding (see examples/models/).");
            model = SeedModels.Create(s.ModelSpec, 0);
            set = LoadText(dataPath, model, s.Text, s.Seed);
        }
        else
        {
            images = FashionMnist.Load(dataPath);
            model = SeedModels.Create(s.ModelSpec, images.ClassNames.Count);
            model.Build(images.Train.SampleShape.ToArray());
            set = new TrainingSet(images.Train, images.Test, images.ClassNames, "images", new JsonObject());
        }
        using var _ = images;
        CheckOutputs(model, set, s.ModelSpec, dataPath);
        model.ClassNames = set.ClassNames;
        bool probabilities = SeedModels.OutputsProbabilities(model);
        model.Compile(p => Optimizers.Get(s.OptimizerName, p, s.Lr), new SparseCategoricalCrossEntropy(fromLogits: !probabilities), new Accuracy());

        Directory.CreateDirectory(outDir);
        Console.WriteLine($"strata train: {s.ModelSpec} on {dataPath} ({set.Train.Count} train, {set.Test.Count} test {set.Description}), {s.Epochs} epochs, batch {s.BatchSize}, {s.OptimizerName} lr {s.Lr.ToString(CultureInfo.InvariantCulture)} ({s.Schedule}), seed {s.Seed}");
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
        if (s.Schedule == "cosine")
            callbacks.Add(new LearningRateScheduler((epoch, _) => 0.5 * s.Lr * (1 + Math.Cos(Math.PI * epoch / s.Epochs))));
        var history = model.Fit(set.Train, epochs: s.Epochs, batchSize: s.BatchSize, validationSplit: s.ValidationSplit,
            callbacks: callbacks, shuffle: true, seed: s.Seed);
        if (history.StopReason is { } why) Console.WriteLine(why);
        model.Save(modelPath);
        Plots.LearningCurves(history, Path.Combine(outDir, "curves.png"));

        var report = TestReport.Compute(model, set.Test, set.ClassNames, Math.Max(s.BatchSize, 256));
        report.Print(Console.Out);
        report.WritePlots(outDir);

        int validationSamples = (int)Math.Floor(set.Train.Count * s.ValidationSplit);
        var json = new JsonObject
        {
            ["model"] = s.ModelSpec,
            ["data"] = Path.GetFullPath(dataPath),
            ["train_samples"] = set.Train.Count - validationSamples,
            ["validation_samples"] = validationSamples,
            ["test_samples"] = set.Test.Count,
            ["parameters"] = model.ParameterCount(),
            ["epochs"] = history.Epochs.Count,
            ["batch_size"] = s.BatchSize,
            ["optimizer"] = s.OptimizerName,
            ["learning_rate"] = s.Lr,
            ["lr_schedule"] = s.Schedule,
            ["seed"] = s.Seed,
            ["threads"] = Backends.Cpu.CpuThreadPool.Threads,
            ["train_seconds"] = timing.TrainSeconds,
            ["train_samples_per_sec"] = timing.SamplesPerSecond,
            ["total_seconds"] = total.Elapsed.TotalSeconds,
        };
        foreach (var (key, value) in set.Extra.ToList())
        {
            set.Extra.Remove(key);
            json[key] = value;
        }
        foreach (var key in history.Keys) json["final_" + key] = history[key][^1];
        report.AddTo(json);
        JsonOutput.Write(Path.Combine(outDir, "metrics.json"), json);
        Console.WriteLine(FormattableString.Invariant($"test accuracy {report.Accuracy:P2}; run folder {Path.GetFullPath(outDir)} ({total.Elapsed.TotalSeconds:F0} s)"));
        return 0;
    }

    /// <summary>Fails before training when the model's output is not one score per class.</summary>
    private static void CheckOutputs(Model model, TrainingSet set, string spec, string dataPath)
    {
        using var scope = Tensor.Scope();
        using var noGrad = Autograd.GradMode.NoGrad();
        model.Eval();
        var y = model.Invoke(set.Train.X.Narrow(0, 0, 1));
        model.Train();
        if (y.Shape.Rank != 2 || y.Shape[1] != set.ClassNames.Count)
            throw new CliException($"{spec}: the model outputs {(y.Shape.Rank == 2 ? $"{y.Shape[1]} values" : $"shape {y.Shape}")} per sample, but {dataPath} has {set.ClassNames.Count} classes; its last Dense layer needs {set.ClassNames.Count} units.");
    }

    /// <summary>
    /// Labelled text: a stratified train/test split, a tokenizer fitted on the training texts with as many ids as the
    /// model's first Embedding has rows, and the model built for [maxLength] int64 ids; the tokenizer goes with the model.
    /// </summary>
    private static TrainingSet LoadText(string path, Model model, TextSettings t, int seed)
    {
        var embedding = TextData.FirstEmbedding(model)
            ?? throw new CliException($"{path} is text, so the model must start with an Embedding that turns token ids into vectors; this one has none.");
        var (allTexts, allLabels) = TextData.ReadLabelled(path, t.TextColumn, t.LabelColumn);
        var classNames = TextData.ClassNames(allLabels);
        if (classNames.Length < 2) throw new CliException($"{path}: the labels hold only one class ({classNames[0]}).");
        var (trainIdx, testIdx) = TextData.StratifiedSplit(allLabels, t.TestSplit, seed);
        var trainTexts = trainIdx.Select(i => allTexts[i]).ToArray();
        var trainLabels = trainIdx.Select(i => allLabels[i]).ToArray();
        var testTexts = testIdx.Select(i => allTexts[i]).ToArray();
        var testLabels = testIdx.Select(i => allLabels[i]).ToArray();
        var tokenizer = TextData.FitTokenizer(t.TokenizerKind, trainTexts, embedding.NumEmbeddings);
        model.Tokenizer = tokenizer;
        model.Build(new[] { t.MaxLength }, DType.Int64);
        var train = TextData.Dataset(tokenizer, trainTexts, TextData.ClassIds(path, trainLabels, classNames), t.MaxLength);
        var test = TextData.Dataset(tokenizer, testTexts, TextData.ClassIds(path, testLabels, classNames), t.MaxLength);
        var extra = new JsonObject
        {
            ["tokenizer"] = t.TokenizerKind,
            ["vocab_size"] = tokenizer.VocabSize,
            ["max_length"] = t.MaxLength,
            ["classes"] = new JsonArray(classNames.Select(c => (JsonNode)c).ToArray()),
        };
        return new TrainingSet(train, test, classNames, "texts", extra);
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
