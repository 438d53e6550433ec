using System.CommandLine;
using System.Text.Json.Nodes;
using Strata.Data;
using Strata.Data.Readers;
using Strata.Losses;
using Strata.Metrics;
using Strata.Optim;

namespace Strata.Cli.Commands;

/// <summary>`strata evaluate`: the test-set report of a saved model (printed, and written as evaluation.json and plots).</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = CommonOptions.RequiredPath("--model", "a model file written by `strata train` or Model.Save", "PATH");
        var data = CommonOptions.Data("folder of IDX files named as MNIST's, whose t10k-* files are the test set (default: the bundled Fashion-MNIST sample); for a text model, labelled text (a CSV/TSV file or a folder of CLASS.txt files), all of it the test set");
        var text = new TextOptions();
        var batchSize = CommonOptions.BatchSize(256);
        var output = new Option<string?>("--out") { Description = "where to write evaluation.json, confusion.png and roc.png (default: the model's folder)", HelpName = "DIR" };
        var command = new Command("evaluate", "Evaluate a saved model on a test set: loss, accuracy, per-class precision/recall/F1, confusion matrix, ROC-AUC.")
        {
            model, data, batchSize, output, text.TextColumn, text.LabelColumn,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(data), r.GetValue(batchSize), r.GetValue(output), r.GetValue(text.TextColumn)!, r.GetValue(text.LabelColumn)!));
        return command;
    }

    private static int Run(string modelPath, string? dataDir, int batchSize, string? outDir, string textColumn, string labelColumn)
    {
        var model = ModelFiles.Load(modelPath);
        TensorDataset test;
        IReadOnlyList<string> classNames;
        TrainTestDatasets? images = null;
        if (model.Tokenizer is { } tokenizer)
        {
            if (dataDir is null || !TextData.IsText(dataDir))
                throw new CliException($"{modelPath} is a text model; pass --data with labelled text: a CSV/TSV file with '{textColumn}' and '{labelColumn}' columns, or a folder of CLASS.txt files.");
            classNames = model.ClassNames ?? throw new CliException($"{modelPath}: the text model does not record its class names.");
            int maxLength = model.InputSampleShape is [int l] ? l : throw new CliException($"{modelPath}: the text model does not record its input length.");
            var (texts, labels) = TextData.ReadLabelled(dataDir, textColumn, labelColumn);
            test = TextData.Dataset(tokenizer, texts, TextData.ClassIds(dataDir, labels, classNames), maxLength);
        }
        else
        {
            dataDir ??= DataLocator.DefaultDataDirectory();
            images = FashionMnist.Load(dataDir);
            var expected = model.InputSampleShape;
            var actual = images.Test.SampleShape.ToArray();
            if (expected is not null && !expected.SequenceEqual(actual))
                throw new CliException($"{modelPath}: the model takes samples of shape [{string.Join(", ", expected)}] but {dataDir} has [{string.Join(", ", actual)}].");
            test = images.Test;
            classNames = model.ClassNames ?? images.ClassNames;
        }
        using var _ = images;
        // The loss's only role here is the reported test loss, so it must match what the model emits.
        model.Compile(p => Optimizers.Get("sgd", p), new SparseCategoricalCrossEntropy(fromLogits: !SeedModels.OutputsProbabilities(model)), new Accuracy());
        var report = TestReport.Compute(model, test, classNames, batchSize);
        report.Print(Console.Out);
        outDir ??= Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        Directory.CreateDirectory(outDir);
        var json = new JsonObject
        {
            ["model"] = Path.GetFullPath(modelPath),
            ["data"] = Path.GetFullPath(dataDir),
            ["test_samples"] = test.Count,
            ["parameters"] = model.ParameterCount(),
            ["epochs"] = model.Epoch,
        };
        report.AddTo(json);
        JsonOutput.Write(Path.Combine(outDir, "evaluation.json"), json);
        report.WritePlots(outDir);
        Console.WriteLine($"wrote evaluation.json, confusion.png and roc.png to {outDir}");
        return 0;
    }
}
