using System.Text.Json.Nodes;
using Strata.Imaging;
using Strata.NN;
using Strata.Serialization;
using Xunit;

namespace Strata.Tests.Cli;

public class CliErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("strata-cli");

    public void Dispose() => _dir.Delete(true);

    private CliRunner.Result Run(params string[] args) => CliRunner.Run(_dir.FullName, args);

    private static void AssertUsageError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("Usage: strata", r.Stderr);
    }

    /// <summary>A user error: exit code 1, one line on stderr naming the problem, no stack trace.</summary>
    private static void AssertOneLineError(CliRunner.Result r, params string[] expected)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("strata: error: ", lines[0]);
        foreach (var e in expected) Assert.Contains(e, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr + r.Stdout);
    }

    [Fact]
    public void BadArgumentsAreUsageErrors()
    {
        AssertUsageError(Run(), "Required command was not provided");
        AssertUsageError(Run("fly"), "fly");
        AssertUsageError(Run("train", "--bogus"), "--bogus");
        AssertUsageError(Run("train", "--epochs", "0"), "--epochs must be positive");
        AssertUsageError(Run("train", "--epochs", "ten"), "ten");
        AssertUsageError(Run("train", "--optimizer", "lbfgs"), "lbfgs");
        AssertUsageError(Run("train", "--validation-split", "1.5"), "--validation-split must be in [0, 1)");
        AssertUsageError(Run("evaluate"), "--model");
        AssertUsageError(Run("predict", "--model", "m.safetensors"), "--input");
    }

    [Fact]
    public void MissingOrMalformedFilesAreOneLineErrors()
    {
        var missingDir = Path.Combine(_dir.FullName, "nowhere");
        AssertOneLineError(Run("train", "--data", missingDir, "--epochs", "1"), "nowhere");

        var truncated = Path.Combine(_dir.FullName, "truncated");
        CliRunner.WriteToyIdx(truncated, 20, 10, gzip: false);
        var images = Path.Combine(truncated, "train-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);
        AssertOneLineError(Run("train", "--data", truncated, "--epochs", "1"), "train-images-idx3-ubyte");

        AssertOneLineError(Run("evaluate", "--model", "missing.safetensors"), "missing.safetensors");
        File.WriteAllBytes(Path.Combine(_dir.FullName, "garbage.safetensors"), "this is not a model file at all"u8.ToArray());
        AssertOneLineError(Run("summary", "--model", "garbage.safetensors"), "garbage.safetensors");
        File.WriteAllText(Path.Combine(_dir.FullName, "arch.json"), "{\"format\":\"strata.model\",\"version\":1,\"class\":\"Sequential\",\"layers\":[{\"class\":\"Evil\"}]}");
        AssertOneLineError(Run("train", "--model", "arch.json", "--epochs", "1"), "arch.json", "Evil");
    }
}

public class CliWorkflowTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("strata-cli-flow");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void TrainEvaluatePredictSummaryOnAModelJson()
    {
        string dir = _dir.FullName;
        CliRunner.WriteToyIdx(Path.Combine(dir, "data"), 300, 100);
        var arch = new Sequential(new Flatten(), new Dense(32), new ReLU(), new Dense(10), new Softmax());
        arch.Build(1, 28, 28);
        File.WriteAllText(Path.Combine(dir, "mlp.json"), ModelJson.ToJson(arch, indented: true));

        var train = CliRunner.Run(dir, "train", "--model", "mlp.json", "--data", "data", "--epochs", "3", "--batch-size", "32", "--lr", "0.01", "--seed", "3", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        Assert.Contains("Epoch 3/3", train.Stdout);
        foreach (var f in new[] { "model.safetensors", "history.csv", "curves.png", "confusion.png", "roc.png", "metrics.json" })
            Assert.True(File.Exists(Path.Combine(dir, "run", f)), f);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "run", "logs", "train")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "run", "logs", "validation")));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "metrics.json")))!.AsObject();
        foreach (var key in new[] { "test_accuracy", "test_loss", "epochs", "train_samples_per_sec", "parameters" }) Assert.True(metrics.ContainsKey(key), key);
        Assert.Equal(3, (int)metrics["epochs"]!);
        Assert.Equal(784 * 32 + 32 + 32 * 10 + 10, (long)metrics["parameters"]!);
        double accuracy = (double)metrics["test_accuracy"]!;
        Assert.True(accuracy > 0.9, $"test accuracy {accuracy}");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "run", "history.csv")).Length);
        Assert.True(PngDecoder.Load(Path.Combine(dir, "run", "curves.png")).Width > 0);

        var summary = CliRunner.Run(dir, "summary", "--model", "run/model.safetensors");
        Assert.Equal(0, summary.ExitCode);
        Assert.Contains("Total params: 25,450", summary.Stdout);
        Assert.Contains("trained epochs: 3", summary.Stdout);

        var evaluate = CliRunner.Run(dir, "evaluate", "--model", "run/model.safetensors", "--data", "data", "--out", "eval");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var evaluation = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "eval", "evaluation.json")))!.AsObject();
        Assert.Equal(accuracy, (double)evaluation["test_accuracy"]!, 12);
        Assert.Contains("macro avg", evaluate.Stdout);

        // IDX input: one prediction per test image, in order.
        var predict = CliRunner.Run(dir, "predict", "--model", "run/model.safetensors", "--input", "data/t10k-images-idx3-ubyte.gz", "--output", "pred.csv");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var rows = File.ReadAllLines(Path.Combine(dir, "pred.csv"));
        Assert.Equal("index,class,name,probability", rows[0]);
        Assert.Equal(101, rows.Length);
        int correct = rows.Skip(1).Select(r => r.Split(',')).Count(c => int.Parse(c[1]) == int.Parse(c[0]) % 10);
        Assert.Equal(accuracy, correct / 100.0, 12);

        // PNG and CSV inputs of the same image give the same answer as the IDX row.
        using var scope = Tensor.Scope();
        var image = Strata.Data.Readers.Idx.Read(Path.Combine(dir, "data", "t10k-images-idx3-ubyte.gz"), DType.Float32).Select(0, 7);
        var pixels = image.Reshape(-1).ToArray<float>();
        PngEncoder.Save(Path.Combine(dir, "seven.png"), new Image(28, 28, PixelFormat.Gray8, pixels.Select(v => (byte)v).ToArray()));
        File.WriteAllText(Path.Combine(dir, "seven.csv"), "label," + string.Join(",", Enumerable.Range(0, 784).Select(i => $"p{i}")) + "\n7," + string.Join(",", pixels.Select(v => (int)v)) + "\n");
        var fromPng = CliRunner.Run(dir, "predict", "--model", "run/model.safetensors", "--input", "seven.png");
        var fromCsv = CliRunner.Run(dir, "predict", "--model", "run/model.safetensors", "--input", "seven.csv");
        Assert.True(fromPng.ExitCode == 0, fromPng.Stderr);
        Assert.True(fromCsv.ExitCode == 0, fromCsv.Stderr);
        var expected = rows[8].Split(',')[1..];
        Assert.Equal(expected, fromPng.Stdout.Split('\n')[1].Split(',')[1..]);
        Assert.Equal(expected, fromCsv.Stdout.Split('\n')[1].Split(',')[1..]);
    }
}
