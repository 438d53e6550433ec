using System.Text;
using System.Text.Json.Nodes;
using Strata.NN;
using Strata.Serialization;
using Xunit;

namespace Strata.Tests.Cli;

/// <summary>`strata train/evaluate/predict` on labelled text (CSV) with a sequence model from an architecture JSON, and a recurrent model on images.</summary>
public class CliTextTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("strata-cli-text");

    public void Dispose() => _dir.Delete(true);

    private static readonly Dictionary<string, string[]> Words = new()
    {
        ["sport"] = new[] { "goal", "match", "team", "score", "coach", "league", "ball" },
        ["food"] = new[] { "bread", "cheese", "soup", "bake", "spice", "dinner", "salad" },
        ["tech"] = new[] { "kernel", "compiler", "server", "bug", "cache", "thread", "code" },
    };
    private static readonly string[] Filler = { "the", "a", "today", "really", "was", "and", "very", "of" };

    /// <summary>Short texts of one topic's words mixed with shared filler words; commas and quotes exercise CSV quoting.</summary>
    private static string MakeCsv(int perClass, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("id,label,text\n");
        int id = 0;
        for (int i = 0; i < perClass; i++)
            foreach (var (label, words) in Words)
            {
                var tokens = Enumerable.Range(0, rng.Next(3, 9)).Select(_ => rng.NextDouble() < 0.5 ? words[rng.Next(words.Length)] : Filler[rng.Next(Filler.Length)]).ToList();
                tokens.Add(words[rng.Next(words.Length)]);
                sb.Append($"{id++},{label},\"{string.Join(rng.NextDouble() < 0.3 ? ", " : " ", tokens)} \"\"ok\"\"\"\n");
            }
        return sb.ToString();
    }

    [Fact]
    public void TrainEvaluatePredictATextClassifier()
    {
        string dir = _dir.FullName;
        File.WriteAllText(Path.Combine(dir, "topics.csv"), MakeCsv(40, 1));
        File.WriteAllText(Path.Combine(dir, "new.csv"), MakeCsv(10, 2));
        var arch = new Sequential(new Embedding(40, 16, maskZero: true), new LSTM(16, bidirectional: true), new Dense(3), new Softmax());
        File.WriteAllText(Path.Combine(dir, "bilstm.json"), ModelJson.ToJson(arch, indented: true));

        var train = CliRunner.Run(dir, "train", "--model", "bilstm.json", "--data", "topics.csv", "--epochs", "12", "--batch-size", "16", "--lr", "0.01",
            "--max-length", "12", "--validation-split", "0", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        Assert.Contains("96 train, 24 test texts", train.Stdout);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "metrics.json")))!.AsObject();
        Assert.Equal("word", (string)metrics["tokenizer"]!);
        Assert.Equal(12, (int)metrics["max_length"]!);
        Assert.True((int)metrics["vocab_size"]! <= 40);
        Assert.Equal(new[] { "food", "sport", "tech" }, metrics["classes"]!.AsArray().Select(n => (string)n!));
        double accuracy = (double)metrics["test_accuracy"]!;
        Assert.True(accuracy > 0.8, $"test accuracy {accuracy}");

        // The tokenizer and class names travel in the model file.
        var evaluate = CliRunner.Run(dir, "evaluate", "--model", "run/model.safetensors", "--data", "new.csv", "--out", "eval");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr + evaluate.Stdout);
        var evaluation = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "eval", "evaluation.json")))!.AsObject();
        Assert.Equal(30, (int)evaluation["test_samples"]!);
        Assert.True((double)evaluation["test_accuracy"]! > 0.8, evaluate.Stdout);

        var summary = CliRunner.Run(dir, "summary", "--model", "run/model.safetensors");
        Assert.True(summary.ExitCode == 0, summary.Stderr);
        Assert.Contains("tokenizer: WordTokenizer", summary.Stdout);
        Assert.Contains("classes: food, sport, tech", summary.Stdout);

        File.WriteAllText(Path.Combine(dir, "lines.txt"), "the coach and the team score a goal\nbake the bread and the soup\n\nthe compiler has a cache bug\n");
        var predict = CliRunner.Run(dir, "predict", "--model", "run/model.safetensors", "--input", "lines.txt");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var rows = predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("index,class,name,probability", rows[0]);
        Assert.Equal(new[] { "sport", "food", "tech" }, rows.Skip(1).Select(r => r.Split(',')[2]));
        var fromCsv = CliRunner.Run(dir, "predict", "--model", "run/model.safetensors", "--input", "new.csv");
        Assert.True(fromCsv.ExitCode == 0, fromCsv.Stderr);
        Assert.Equal(31, fromCsv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void TrainsFromAFolderOfClassFiles()
    {
        string dir = _dir.FullName;
        var folder = Directory.CreateDirectory(Path.Combine(dir, "topics")).FullName;
        var rng = new Random(3);
        foreach (var (label, words) in Words)
        {
            // Fortune format: entries, some over several lines, separated by lines holding only '%'.
            var entries = Enumerable.Range(0, 30).Select(_ => string.Join(rng.NextDouble() < 0.3 ? "\n" : " ",
                Enumerable.Range(0, rng.Next(3, 8)).Select(_ => rng.NextDouble() < 0.6 ? words[rng.Next(words.Length)] : Filler[rng.Next(Filler.Length)])));
            File.WriteAllText(Path.Combine(folder, label + ".txt"), string.Join("\n%\n", entries) + "\n%\n");
        }
        File.WriteAllText(Path.Combine(dir, "gru.json"), ModelJson.ToJson(new Sequential(new Embedding(40, 16, maskZero: true), new GRU(16), new Dense(3), new Softmax())));
        var train = CliRunner.Run(dir, "train", "--model", "gru.json", "--data", "topics", "--epochs", "8", "--batch-size", "16", "--lr", "0.01",
            "--max-length", "10", "--validation-split", "0", "--tokenizer", "char", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        Assert.Contains("72 train, 18 test texts", train.Stdout);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "metrics.json")))!.AsObject();
        Assert.Equal("char", (string)metrics["tokenizer"]!);
        Assert.Equal(new[] { "food", "sport", "tech" }, metrics["classes"]!.AsArray().Select(n => (string)n!));
        var evaluate = CliRunner.Run(dir, "evaluate", "--model", "run/model.safetensors", "--data", "topics", "--out", "eval");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr + evaluate.Stdout);
        Assert.Equal(90, (int)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "eval", "evaluation.json")))!["test_samples"]!);
    }

    [Fact]
    public void TextErrorsAreOneLine()
    {
        string dir = _dir.FullName;
        File.WriteAllText(Path.Combine(dir, "topics.csv"), MakeCsv(5, 1));
        File.WriteAllText(Path.Combine(dir, "dense.json"), ModelJson.ToJson(new Sequential(new Dense(3), new Softmax())));
        File.WriteAllText(Path.Combine(dir, "four.json"), ModelJson.ToJson(new Sequential(new Embedding(20, 4), new GRU(4), new Dense(4), new Softmax())));

        static void OneLine(CliRunner.Result r, params string[] expected)
        {
            Assert.Equal(1, r.ExitCode);
            var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            foreach (var e in expected) Assert.Contains(e, lines[0]);
        }
        OneLine(CliRunner.Run(dir, "train", "--data", "topics.csv", "--epochs", "1"), "takes images", "--model");
        OneLine(CliRunner.Run(dir, "train", "--model", "dense.json", "--data", "topics.csv", "--epochs", "1"), "Embedding");
        OneLine(CliRunner.Run(dir, "train", "--model", "four.json", "--data", "topics.csv", "--epochs", "1", "--text-column", "body"), "body", "id, label, text");
        OneLine(CliRunner.Run(dir, "train", "--model", "four.json", "--data", "topics.csv", "--epochs", "1"), "4 values", "3 classes");
        var usage = CliRunner.Run(dir, "train", "--tokenizer", "sentencepiece");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("sentencepiece", usage.Stderr);
    }

    [Fact]
    public void TrainsARecurrentModelOnImageRows()
    {
        string dir = _dir.FullName;
        CliRunner.WriteToyIdx(Path.Combine(dir, "data"), 200, 50);
        // Each 28×28 image read as 28 steps of 28 pixels.
        var arch = new Sequential(new Reshape(28, 28), new GRU(16), new Dense(10), new Softmax());
        File.WriteAllText(Path.Combine(dir, "rows.json"), ModelJson.ToJson(arch));
        var train = CliRunner.Run(dir, "train", "--model", "rows.json", "--data", "data", "--epochs", "12", "--batch-size", "20", "--lr", "0.01", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "metrics.json")))!.AsObject();
        Assert.True((double)metrics["test_accuracy"]! > 0.5, train.Stdout);
    }
}
