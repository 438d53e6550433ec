using System.CommandLine;
using System.Text.Json.Nodes;
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
        var data = CommonOptions.Data("folder of IDX files named as MNIST's; its t10k-* files are the test set (default: the bundled Fashion-MNIST sample)");
        var batchSize = CommonOptions.BatchSize(256);
        var output = new Option<string?>("--out") { Description = "where to write evaluation.json, confusion.png and roc.png (default: the model's folder)", HelpName = "DIR" };
        var command = new Command("evaluate", "Evaluate a saved model on a test set: loss, accuracy, per-class precision/recall/F1, confusion matrix, ROC-AUC.")
        {
            model, data, batchSize, output,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(data), r.GetValue(batchSize), r.GetValue(output)));
        return command;
    }

    private static int Run(string modelPath, string? dataDir, int batchSize, string? outDir)
    {
        var model = ModelFiles.Load(modelPath);
        dataDir ??= DataLocator.DefaultDataDirectory();
        using var data = FashionMnist.Load(dataDir);
        var expected = model.InputSampleShape;
        var actual = data.Test.SampleShape.ToArray();
        if (expected is not null && !expected.SequenceEqual(actual))
            throw new CliException($"{modelPath}: the model takes samples of shape [{string.Join(", ", expected)}] but {dataDir} has [{string.Join(", ", actual)}].");
        // The loss's only role here is the reported test loss, so it must match what the model emits.
        model.Compile(p => Optimizers.Get("sgd", p), new SparseCategoricalCrossEntropy(fromLogits: !SeedModels.OutputsProbabilities(model)), new Accuracy());
        var report = TestReport.Compute(model, data.Test, data.ClassNames, batchSize);
        report.Print(Console.Out);
        outDir ??= Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        Directory.CreateDirectory(outDir);
        var json = new JsonObject
        {
            ["model"] = Path.GetFullPath(modelPath),
            ["data"] = Path.GetFullPath(dataDir),
            ["test_samples"] = data.Test.Count,
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
