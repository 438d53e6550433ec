using Strata.Imaging;
using Strata.Plotting;
using Xunit;

namespace Strata.Tests.Plotting;

/// <summary>
/// The plots are valid PNGs of the expected size, with the series colours where the data says lines should be
/// and the background where nothing is drawn.
/// </summary>
public sealed class PlotsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("strata-plots-");

    public void Dispose() => _dir.Delete(true);

    private string File(string name) => Path.Combine(_dir.FullName, name);

    private static PlotColor Pixel(Image png, double x, double y)
    {
        int o = ((int)y * png.Width + (int)x) * 3;
        return new PlotColor(png.Pixels[o], png.Pixels[o + 1], png.Pixels[o + 2]);
    }

    private static bool Near(PlotColor a, PlotColor b, int tolerance = 12) =>
        Math.Abs(a.R - b.R) <= tolerance && Math.Abs(a.G - b.G) <= tolerance && Math.Abs(a.B - b.B) <= tolerance;

    // Whether a pixel within `radius` of (x, y) has the colour: anti-aliasing may put the full colour a pixel away.
    private static bool ColourNear(Image png, double x, double y, PlotColor color, int radius = 1)
    {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
                if (Near(Pixel(png, x + dx, y + dy), color)) return true;
        return false;
    }

    private static int CountDark(Image png, int x, int y, int w, int h)
    {
        int n = 0;
        for (int yy = y; yy < y + h; yy++)
            for (int xx = x; xx < x + w; xx++)
            {
                var c = Pixel(png, xx, yy);
                if (c.R + c.G + c.B < 200) n++;
            }
        return n;
    }

    private static readonly double[] Loss = { 2.0, 1.2, 0.8, 0.6, 0.5, 0.45 };
    private static readonly double[] ValLoss = { 2.4, 1.9, 1.6, 1.5, 1.45, 1.5 };
    private static readonly double[] Acc = { 0.3, 0.6, 0.7, 0.8, 0.85, 0.9 };
    private static readonly double[] ValAcc = { 0.2, 0.4, 0.5, 0.55, 0.6, 0.58 };

    private static Dictionary<string, IReadOnlyList<double>> History() => new()
    {
        // Deliberately not loss-first: the loss panel must still come first.
        ["accuracy"] = Acc, ["val_accuracy"] = ValAcc, ["loss"] = Loss, ["val_loss"] = ValLoss,
    };

    [Fact]
    public void LearningCurvesDrawEachSeriesThroughItsPoints()
    {
        var path = File("curves.png");
        Plots.LearningCurves(History(), path);
        var png = PngDecoder.Load(path);
        Assert.Equal((2 * LearningCurvePlot.PanelWidth, LearningCurvePlot.PanelHeight), (png.Width, png.Height));
        Assert.Equal(PixelFormat.Rgb24, png.Format);

        // Same drawing as the file, with its layout, to locate the data.
        var (_, panels) = LearningCurvePlot.Render(History());
        Assert.Equal(new[] { "loss", "accuracy" }, panels.Select(p => p.Metric));
        foreach (var (metric, axes) in panels)
        {
            var (train, val) = metric == "loss" ? (Loss, ValLoss) : (Acc, ValAcc);
            for (int e = 1; e <= train.Length; e++)
            {
                Assert.True(ColourNear(png, axes.PixelX(e), axes.PixelY(train[e - 1]), LearningCurvePlot.Train), $"{metric} train point {e}");
                Assert.True(ColourNear(png, axes.PixelX(e), axes.PixelY(val[e - 1]), LearningCurvePlot.Validation), $"{metric} validation point {e}");
            }
            // Halfway between epochs 1 and 2 the train line passes the mean of the two values.
            Assert.True(ColourNear(png, axes.PixelX(1.5), axes.PixelY((train[0] + train[1]) / 2), LearningCurvePlot.Train, 2), $"{metric} train segment");
            // Text: the title above the plot area and tick labels left of it are drawn in dark pixels.
            Assert.True(CountDark(png, axes.Left, axes.Top - 30, axes.Width, 26) > 30, $"{metric} title");
            Assert.True(CountDark(png, axes.Left - 50, axes.Top, 44, axes.Height) > 30, $"{metric} y tick labels");
        }
        Assert.Equal(PlotColor.White, Pixel(png, 2, 2));
        // Nothing but background in the gutter between the panels.
        Assert.Equal(0, CountDark(png, LearningCurvePlot.PanelWidth - 10, 60, 8, 200));
    }

    [Fact]
    public void LearningCurvesHandleSingleEpochOnlyValidationAndGaps()
    {
        var history = new Dictionary<string, IReadOnlyList<double>>
        {
            ["loss"] = new[] { 0.7 },
            ["val_mae"] = new[] { 3.0, double.NaN, 2.0 },
            ["empty"] = Array.Empty<double>(),
        };
        var path = File("odd.png");
        Plots.LearningCurves(history, path);
        var png = PngDecoder.Load(path);
        Assert.Equal((2 * LearningCurvePlot.PanelWidth, LearningCurvePlot.PanelHeight), (png.Width, png.Height));
        var (_, panels) = LearningCurvePlot.Render(history);
        var loss = panels[0].Axes;
        Assert.True(ColourNear(png, loss.PixelX(1), loss.PixelY(0.7), LearningCurvePlot.Train), "single point is marked");
        var mae = panels[1].Axes;
        Assert.True(ColourNear(png, mae.PixelX(3), mae.PixelY(2.0), LearningCurvePlot.Validation));
        // A line bridging the NaN would pass (2, 2.5), halfway from (1, 3) to (3, 2).
        Assert.False(ColourNear(png, mae.PixelX(2), mae.PixelY(2.5), LearningCurvePlot.Validation, 2), "NaN leaves a gap");

        var ex = Assert.Throws<ArgumentException>(() => Plots.LearningCurves(new Dictionary<string, IReadOnlyList<double>>(), File("x.png")));
        Assert.Contains("LearningCurves", ex.Message);
        Assert.False(System.IO.File.Exists(File("x.png")));
    }

    [Fact]
    public void ConfusionMatrixHeatmapShadesByCountAndWritesCounts()
    {
        var m = new long[,] { { 50, 2, 0 }, { 4, 40, 6 }, { 0, 3, 45 } };
        var path = File("cm.png");
        Plots.ConfusionMatrix(m, new[] { "cat", "dog", "bird" }, path);
        var png = PngDecoder.Load(path);
        var (canvas, layout) = ConfusionMatrixPlot.Render(m, new[] { "cat", "dog", "bird" }, false);
        Assert.Equal((canvas.Width, canvas.Height), (png.Width, png.Height));
        PlotColor Corner(int i, int j) => Pixel(png, layout.Left + j * layout.Cell + 2, layout.Top + i * layout.Cell + 2);
        Assert.Equal(PlotColor.Blues(1), Corner(0, 0));          // the largest count is the darkest
        Assert.Equal(PlotColor.Blues(0), Corner(0, 2));          // zero is the lightest
        Assert.Equal(PlotColor.Blues(40 / 50.0), Corner(1, 1));
        Assert.True(Corner(1, 2).B > Corner(1, 1).B);            // 6 is lighter than 40
        // Each cell carries its number: pixels of the text colour inside the cell.
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                var background = Corner(i, j);
                int text = 0;
                for (int y = 4; y < layout.Cell - 4; y++)
                    for (int x = 4; x < layout.Cell - 4; x++)
                        if (!Near(Pixel(png, layout.Left + j * layout.Cell + x, layout.Top + i * layout.Cell + y), background, 30)) text++;
                Assert.True(text > 10, $"cell ({i}, {j}) has no visible count");
            }
        // Class names left of the rows, axis title below.
        Assert.True(CountDark(png, 0, layout.Top, layout.Left - 2, 3 * layout.Cell) > 40);
        Assert.True(CountDark(png, layout.Left, layout.Top + 3 * layout.Cell + 4, 3 * layout.Cell, png.Height - layout.Top - 3 * layout.Cell - 4) > 40);
    }

    [Fact]
    public void ConfusionMatrixNormalizedAndLongNames()
    {
        var m = new long[,] { { 3, 1 }, { 0, 0 } };
        var names = new[] { "a rather long class name", "b" };
        var path = File("cmn.png");
        Plots.ConfusionMatrix(m, names, path, normalize: true);
        var png = PngDecoder.Load(path);
        var (canvas, layout) = ConfusionMatrixPlot.Render(m, names, true);
        Assert.Equal((canvas.Width, canvas.Height), (png.Width, png.Height));
        Assert.Equal(PlotColor.Blues(0.75), Pixel(png, layout.Left + 2, layout.Top + 2));
        Assert.Equal(PlotColor.Blues(0), Pixel(png, layout.Left + layout.Cell + 2, layout.Top + layout.Cell + 2)); // empty row → 0
        Assert.True(png.Height > layout.Top + 2 * layout.Cell + BitmapFont.Width(names[0])); // column names run downwards

        Assert.Throws<ArgumentException>(() => Plots.ConfusionMatrix(new long[2, 3], null, File("y.png")));
        var ex = Assert.Throws<ArgumentException>(() => Plots.ConfusionMatrix(m, new[] { "one" }, File("y.png")));
        Assert.Contains("1 class names for a 2×2 matrix", ex.Message);
        Assert.Throws<ArgumentException>(() => Plots.ConfusionMatrix(new long[,] { { 1, -1 }, { 0, 0 } }, null, File("y.png")));
    }

    [Fact]
    public void RocCurveFollowsTheCurveAndTheDiagonal()
    {
        // A perfect classifier: up the left edge, then along the top.
        var perfect = ("perfect", (IReadOnlyList<double>)new[] { 0.0, 0, 1 }, (IReadOnlyList<double>)new[] { 0.0, 1, 1 }, 1.0);
        var weak = ("weak", (IReadOnlyList<double>)new[] { 0.0, 0.5, 1 }, (IReadOnlyList<double>)new[] { 0.0, 0.7, 1 }, 0.6);
        var path = File("roc.png");
        Plots.RocCurve(path, perfect, weak);
        var png = PngDecoder.Load(path);
        var (canvas, axes) = RocCurvePlot.Render(new[] { perfect, weak });
        Assert.Equal((canvas.Width, canvas.Height), (png.Width, png.Height));
        var first = PlotColor.Series[0];
        var second = PlotColor.Series[1];
        foreach (var t in new[] { 0.3, 0.5, 0.7 })
        {
            Assert.True(ColourNear(png, axes.PixelX(0), axes.PixelY(t), first), $"left edge at tpr {t}");
            Assert.True(ColourNear(png, axes.PixelX(t), axes.PixelY(1), first), $"top edge at fpr {t}");
        }
        Assert.True(ColourNear(png, axes.PixelX(0.25), axes.PixelY(0.35), second, 2));
        // The dashed diagonal: most points along it are grey (the gaps are the rest).
        int grey = Enumerable.Range(1, 40).Count(k => ColourNear(png, axes.PixelX(k / 41.0), axes.PixelY(k / 41.0), PlotColor.Reference));
        Assert.InRange(grey, 15, 38);
        // Away from every line: background.
        Assert.Equal(PlotColor.White, Pixel(png, axes.PixelX(0.85) + 3, axes.PixelY(0.4) + 3));

        var ex = Assert.Throws<ArgumentException>(() => Plots.RocCurve(File("z.png"), ("bad", new[] { 0.0, 1 }, new[] { 0.0 }, 0.5)));
        Assert.Contains("'bad'", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Plots.RocCurve(File("z.png"), ("out", new[] { 0.0, 1.5 }, new[] { 0.0, 1 }, 0.5)));
        Assert.Contains("outside", ex.Message);
        Assert.Throws<ArgumentException>(() => Plots.RocCurve(File("z.png")));
    }
}
