using Strata.Plotting;
using Xunit;

namespace Strata.Tests.Plotting;

public class RasterTests
{
    [Fact]
    public void EveryPrintableCharacterHasAGlyphInsideItsCell()
    {
        for (char ch = '!'; ch <= '~'; ch++)
        {
            var cells = new List<(int X, int Y)>();
            BitmapFont.Render(ch.ToString(), 1, (x, y) => cells.Add((x, y)));
            Assert.True(cells.Count > 0, $"'{ch}' is blank");
            Assert.All(cells, c => Assert.True(c.X is >= 0 and < 5 && c.Y is >= 0 and < BitmapFont.Height, $"'{ch}' pixel {c} outside the 5×9 cell"));
        }
        // Unknown characters print as '?', not nothing.
        var q = new List<(int, int)>();
        BitmapFont.Render("é", 1, (x, y) => q.Add((x, y)));
        var expected = new List<(int, int)>();
        BitmapFont.Render("?", 1, (x, y) => expected.Add((x, y)));
        Assert.Equal(expected, q);
        Assert.Equal(17, BitmapFont.Width("abc"));
        Assert.Equal(34, BitmapFont.Width("abc", 2));
    }

    [Fact]
    public void VerticalTextIsTheHorizontalTextTurnedCounterClockwise()
    {
        var h = new Canvas(20, 20, PlotColor.White);
        h.Text(0, 0, "L", PlotColor.Black);
        var v = new Canvas(20, 20, PlotColor.White);
        v.TextVertical(0, 0, "L", PlotColor.Black);
        // Pixel (x, y) of the glyph lands at (y, width − 1 − x) after a quarter turn counter-clockwise.
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 5; x++)
                Assert.Equal(h[x, y], v[y, 4 - x]);
    }

    [Fact]
    public void LinesAreAntiAliasedAndRectsExact()
    {
        var c = new Canvas(30, 30, PlotColor.White);
        c.Line(2, 10.5, 27, 10.5, PlotColor.Black, 1);
        Assert.Equal(PlotColor.Black, c[15, 10]);  // centre row fully covered
        Assert.Equal(PlotColor.White, c[15, 12]);  // two rows away untouched
        c.Line(2, 20.0, 27, 20.0, PlotColor.Black, 1);
        // A 1-pixel line on a pixel boundary covers two rows by half each.
        Assert.InRange((int)c[15, 19].R, 100, 160);
        Assert.InRange((int)c[15, 20].R, 100, 160);
        c.FillRect(-5, 25, 8, 10, PlotColor.Series[3]);
        Assert.Equal(PlotColor.Series[3], c[0, 29]);
        Assert.Equal(PlotColor.White, c[3, 29]);
    }

    [Theory]
    [InlineData(0, 1, 5, 0.2)]
    [InlineData(0, 2.3, 5, 0.5)]
    [InlineData(0.41, 0.43, 5, 0.005)]
    [InlineData(1, 100, 6, 20)]
    [InlineData(1, 3, 6, 1)] // epochs: never below one
    public void NiceTickSteps(double lo, double hi, int target, double expected) =>
        Assert.Equal(expected, Ticks.Step(lo, hi, target, minStep: hi == 3 ? 1 : 0), 12);

    [Fact]
    public void TickValuesAndLabels()
    {
        Assert.Equal(new[] { 0, 0.2, 0.4, 0.6000000000000001, 0.8, 1 }, Ticks.Values(-0.02, 1.02, 0.2));
        Assert.Equal("0.5", Ticks.Label(0.5, 0.5));
        Assert.Equal("2", Ticks.Label(2, 1));
        Assert.Equal("0.25", Ticks.Label(0.25, 0.05));
        Assert.Equal("0.005", Ticks.Label(0.005, 0.005));
        Assert.Equal("2e+6", Ticks.Label(2e6, 1e6));
        Assert.Equal(new[] { 0.0 }, Ticks.Values(-1e-12, 1e-12, 0.5)); // no "-0"
    }
}
