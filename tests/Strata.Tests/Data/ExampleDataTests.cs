using System.Globalization;
using Strata.Data.Text;
using Strata.Data.TimeSeries;
using Strata.Losses;
using Strata.NN;
using Strata.Training;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;

namespace Strata.Tests.Data;

/// <summary>The data files committed for the sequence examples parse as the examples expect (no training here).</summary>
public class ExampleDataTests
{
    private static string FortuneDir => Path.Combine(RepoRoot(), "data", "text", "fortunes");

    private static string[] ReadFortunes(string category) =>
        System.IO.File.ReadAllText(Path.Combine(FortuneDir, category + ".txt"))
            .Split("\n%\n").Select(e => e.Trim('\n')).Where(e => e.Trim().Length > 0).ToArray();

    [Theory]
    [InlineData("computers", 1051)]
    [InlineData("science", 625)]
    [InlineData("politics", 703)]
    [InlineData("love", 150)]
    [InlineData("food", 198)]
    [InlineData("sports", 147)]
    public void FortuneFilesHoldTheDocumentedNumberOfCleanAsciiEntries(string category, int expected)
    {
        var bytes = System.IO.File.ReadAllBytes(Path.Combine(FortuneDir, category + ".txt"));
        // Cleaned by tools/make_text_sample.py: printable ASCII and newlines only (no overstrike backspaces, tabs or CR).
        Assert.All(bytes, b => Assert.True(b == '\n' || (b >= 0x20 && b < 0x7F), $"{category}.txt: byte 0x{b:X2}"));
        var entries = ReadFortunes(category);
        Assert.Equal(expected, entries.Length);
        Assert.DoesNotContain(entries, e => e.Split('\n').Any(line => line == "%"));
    }

    [Fact]
    public void FortunesTokenizeForTheLanguageModelAndTheClassifier()
    {
        var love = ReadFortunes("love");
        Assert.Equal("A career is great, but you can't run your fingers through its hair.", love[0]);

        var chars = CharTokenizer.Fit(love);
        var ids = chars.Encode(love[0]);
        Assert.Equal(love[0].Length, ids.Length);
        Assert.DoesNotContain(Tokenizer.UnknownId, ids);
        Assert.Equal(love[0], chars.Decode(ids));

        var words = WordTokenizer.Fit(love, maxVocab: 50);
        Assert.Equal(50, words.VocabSize);
        var encoded = love.Select(words.Encode).ToArray();
        Assert.Contains(Tokenizer.UnknownId, encoded.SelectMany(e => e));
        using var padded = Sequences.Pad(encoded, maxLength: 20, padding: PadSide.Post);
        Assert.Equal(new[] { love.Length, 20 }, padded.Shape.ToArray());
    }

    [Fact]
    public void TokenIdsBuildAModelThroughEvaluate()
    {
        // Evaluate/Fit build an unbuilt model with a batch of the dataset's own dtype, so int64 ids reach Embedding.
        var love = ReadFortunes("love").Take(8).ToArray();
        var words = WordTokenizer.Fit(love, maxVocab: 40);
        using var x = Sequences.Pad(love.Select(words.Encode).ToArray(), maxLength: 6);
        using var y = Tensor.FromArray(Enumerable.Range(0, 8).Select(i => (long)(i % 2)).ToArray(), 8);
        var model = new Sequential(new Embedding(words.VocabSize, 3, paddingIdx: 0, generator: new Generator(1)), new Flatten(), new Dense(2));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var result = model.Evaluate(x, y);
        Assert.True(model.IsBuilt);
        Assert.True(double.IsFinite(result["loss"]));
    }

    [Fact]
    public void Co2SeriesIsMonthlyWithoutGapsAndWindows()
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(RepoRoot(), "data", "timeseries", "co2_monthly.csv"));
        Assert.Equal("month,co2_ppmv,interpolated", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(526, rows.Length);
        Assert.Equal(new[] { "1958-03", "316.100", "0" }, rows[0]);
        Assert.Equal("2001-12", rows[^1][0]);
        var months = rows.Select(r => DateTime.ParseExact(r[0], "yyyy-MM", CultureInfo.InvariantCulture)).ToArray();
        for (int i = 1; i < months.Length; i++) Assert.Equal(months[i - 1].AddMonths(1), months[i]);
        var co2 = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(co2, v => Assert.InRange(v, 300, 400));
        Assert.Equal(5, rows.Count(r => r[2] == "1"));

        var series = Windows.Column(co2.Select(v => (float)v).ToArray());
        using var windows = Windows.Create(series, inputWidth: 24, horizon: 1);
        Assert.Equal(526 - 24, windows.Count);
        // Seasonal naive for December 2001 is December 2000.
        Assert.Equal(co2[^13], Forecast.SeasonalNaive(co2, co2.Length - 1, 1, 12)[0]);
    }
}
