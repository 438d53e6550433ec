using Strata;
using Strata.NN;
using Xunit;
using Xunit.Abstractions;

namespace Strata.Tests.NN;

public class SummaryTests
{
    private readonly ITestOutputHelper _out;

    public SummaryTests(ITestOutputHelper output) => _out = output;

    private static Sequential SeedCnn() => new(
        new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
        new Conv2D(64, 3), new ReLU(), new MaxPool2D(2),
        new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5), new Dense(10));

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void SeedCnnTable()
    {
        var model = SeedCnn();
        var text = model.Summary(1, 28, 28);
        _out.WriteLine(text);
        var lines = Lines(text);
        Assert.Equal("Model: \"Sequential\"", lines[0]);
        Assert.Matches(@"^ Layer \(type\) +Output Shape +Param #$", lines[2]);
        string[] expected =
        {
            "0 (Conv2D) (None, 32, 26, 26) 320", "1 (ReLU) (None, 32, 26, 26) 0", "2 (MaxPool2D) (None, 32, 13, 13) 0",
            "3 (Conv2D) (None, 64, 11, 11) 18,496", "4 (ReLU) (None, 64, 11, 11) 0", "5 (MaxPool2D) (None, 64, 5, 5) 0",
            "6 (Flatten) (None, 1600) 0", "7 (Dense) (None, 128) 204,928", "8 (ReLU) (None, 128) 0", "9 (Dropout) (None, 128) 0",
            "10 (Dense) (None, 10) 1,290",
        };
        // Rows sit between the two "=" rules; columns are padded, so compare with runs of spaces collapsed.
        var rows = lines.SkipWhile(l => !l.StartsWith('=')).Skip(1).TakeWhile(l => !l.StartsWith('=')).ToArray();
        Assert.Equal(expected, rows.Select(r => System.Text.RegularExpressions.Regex.Replace(r.Trim(), @" {2,}", " ")));
        Assert.Contains("Total params: 225,034", lines);
        Assert.Contains("Trainable params: 225,034", lines);
        Assert.Contains("Non-trainable params: 0", lines);
        // Columns line up: every shape starts where the header's "Output Shape" does.
        int col = lines[2].IndexOf("Output Shape", StringComparison.Ordinal);
        Assert.All(rows, r => Assert.Equal('(', r[col]));
        Assert.True(model.IsBuilt);
        Assert.Equal(225_034L, model.ParameterCount());
    }

    [Fact]
    public void ExactTextForASmallModel()
    {
        // By hand: Dense 3·4 + 4 = 16; BatchNorm 4 weight + 4 bias trainable, 4 + 4 running statistics non-trainable
        // (num_batches_tracked is an integer counter, not a weight); Dense 4·2 + 2 = 10; the nested Sequential's row is the sum of its layers.
        var model = new Sequential(new Dense(4, 3), new BatchNorm1D(), new Sequential(new Dense(2), new Softmax()));
        string expected = string.Join("\n",
            "Model: \"Sequential\"",
            "_________________________________________",
            " Layer (type)      Output Shape   Param #",
            "=========================================",
            " 0 (Dense)         (None, 4)      16",
            " 1 (BatchNorm1D)   (None, 4)      16",
            " 2 (Sequential)    (None, 2)      10",
            "   2.0 (Dense)     (None, 2)      10",
            "   2.1 (Softmax)   (None, 2)      0",
            "=========================================",
            "Total params: 42",
            "Trainable params: 34",
            "Non-trainable params: 8",
            "_________________________________________",
            "");
        var text = model.Summary(3);
        _out.WriteLine(text);
        Assert.Equal(expected, text);
    }

    [Fact]
    public void SummaryRestoresTrainingModesAndUpdatesNoStatistics()
    {
        var bn = new BatchNorm2D(3);
        var model = new Sequential(new Conv2D(3, 3, padding: 1, inChannels: 1), bn, new Dropout(0.5));
        model[2].Eval();
        model.Summary(1, 8, 8);
        Assert.True(model.IsTraining);
        Assert.True(bn.IsTraining);
        Assert.False(model[2].IsTraining);
        Assert.Equal(0L, bn.NumBatchesTracked!.Item<long>());
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void SummaryWithoutShapeUsesTheLastForwardPass()
    {
        var model = SeedCnn();
        var ex = Assert.Throws<InvalidOperationException>(() => model.Summary());
        Assert.Contains("Sequential.Summary", ex.Message);
        Assert.Contains("input shape", ex.Message);
        model.Invoke(Tensor.Zeros(7, 1, 28, 28));
        var text = model.Summary();
        Assert.Contains("(None, 32, 26, 26)", text);
        Assert.Contains("Total params: 225,034", text);
        Assert.DoesNotContain("7,", text);
    }

    [Fact]
    public void FrozenLayersAreNonTrainableAndEmbeddingTakesIntegerInput()
    {
        var emb = new Embedding(100, 8);
        var model = new Sequential(emb, new Flatten(), new Dense(2));
        emb.RequiresGrad = false;
        var text = model.Summary(new[] { 5 }, DType.Int64);
        _out.WriteLine(text);
        Assert.Contains("(None, 5, 8)", text);
        Assert.Contains("Total params: 882", text);
        Assert.Contains("Trainable params: 82", text);
        Assert.Contains("Non-trainable params: 800", text);
    }

    [Fact]
    public void BadInputShapeNamesTheFailingLayer()
    {
        var model = SeedCnn();
        var ex = Assert.Throws<ArgumentException>(() => model.Summary(1, 4, 4));
        Assert.Contains("Sequential.Summary", ex.Message);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
        Assert.Contains("conv", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentException>(() => model.Summary(1, 0, 28));
    }
}
