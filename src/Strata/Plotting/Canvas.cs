using Strata.Imaging;

namespace Strata.Plotting;

/// <summary>
/// A tiny RGB rasteriser for the plots: filled rectangles, anti-aliased lines of any width (coverage from the
/// distance to the segment), and text in <see cref="BitmapFont"/>.
/// </summary>
internal sealed class Canvas
{
    private readonly byte[] _rgb;

    public Canvas(int width, int height, PlotColor background)
    {
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }

    public PlotColor this[int x, int y]
    {
        get
        {
            int o = (y * Width + x) * 3;
            return new PlotColor(_rgb[o], _rgb[o + 1], _rgb[o + 2]);
        }
    }

    /// <summary>Mixes <paramref name="color"/> into pixel (x, y) with opacity <paramref name="alpha"/>; outside pixels are ignored.</summary>
    public void Blend(int x, int y, PlotColor color, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || alpha <= 0) return;
        int o = (y * Width + x) * 3;
        if (alpha >= 1)
        {
            (_rgb[o], _rgb[o + 1], _rgb[o + 2]) = (color.R, color.G, color.B);
            return;
        }
        _rgb[o] = (byte)Math.Round(_rgb[o] + (color.R - _rgb[o]) * alpha);
        _rgb[o + 1] = (byte)Math.Round(_rgb[o + 1] + (color.G - _rgb[o + 1]) * alpha);
        _rgb[o + 2] = (byte)Math.Round(_rgb[o + 2] + (color.B - _rgb[o + 2]) * alpha);
    }

    public void FillRect(int x, int y, int width, int height, PlotColor color)
    {
        for (int yy = Math.Max(0, y); yy < Math.Min(Height, y + height); yy++)
            for (int xx = Math.Max(0, x); xx < Math.Min(Width, x + width); xx++)
                Blend(xx, yy, color, 1);
    }

    /// <summary>A one-pixel rectangle outline.</summary>
    public void StrokeRect(int x, int y, int width, int height, PlotColor color)
    {
        FillRect(x, y, width, 1, color);
        FillRect(x, y + height - 1, width, 1, color);
        FillRect(x, y, 1, height, color);
        FillRect(x + width - 1, y, 1, height, color);
    }

    /// <summary>
    /// An anti-aliased segment with round caps, in pixel coordinates where pixel (i, j) covers [i, i+1) × [j, j+1).
    /// Each pixel's coverage is its centre's distance to the segment against half the width, smoothed over one pixel.
    /// </summary>
    public void Line(double x0, double y0, double x1, double y1, PlotColor color, double width = 1.5)
    {
        Segment(x0, y0, x1, y1, color, width);
        _coverage.Clear();
    }

    /// <summary>Connected segments through the points; a non-finite coordinate breaks the line there.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, PlotColor color, double width = 1.5)
    {
        if (points.Count == 1) Segment(points[0].X, points[0].Y, points[0].X, points[0].Y, color, width);
        for (int i = 1; i < points.Count; i++) Segment(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, color, width);
        _coverage.Clear();
    }

    private void Segment(double x0, double y0, double x1, double y1, PlotColor color, double width)
    {
        if (!double.IsFinite(x0) || !double.IsFinite(y0) || !double.IsFinite(x1) || !double.IsFinite(y1)) return;
        double half = width / 2;
        int minX = (int)Math.Floor(Math.Min(x0, x1) - half - 1), maxX = (int)Math.Ceiling(Math.Max(x0, x1) + half + 1);
        int minY = (int)Math.Floor(Math.Min(y0, y1) - half - 1), maxY = (int)Math.Ceiling(Math.Max(y0, y1) + half + 1);
        minX = Math.Max(minX, 0);
        minY = Math.Max(minY, 0);
        maxX = Math.Min(maxX, Width - 1);
        maxY = Math.Min(maxY, Height - 1);
        double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        for (int y = minY; y <= maxY; y++)
            for (int x = minX; x <= maxX; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                double t = len2 == 0 ? 0 : Math.Clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0, 1);
                double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
                double coverage = Math.Clamp(half + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                // Segments of one polyline overlap at their joints; keeping the stronger coverage avoids dark beads.
                if (coverage > 0) BlendMax(x, y, color, coverage);
            }
    }

    /// <summary>A dashed segment: <paramref name="dash"/> pixels drawn, <paramref name="gap"/> skipped.</summary>
    public void DashedLine(double x0, double y0, double x1, double y1, PlotColor color, double width = 1.5, double dash = 6, double gap = 4)
    {
        double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        if (length == 0) return;
        for (double s = 0; s < length; s += dash + gap)
        {
            double e = Math.Min(length, s + dash);
            Line(x0 + (x1 - x0) * s / length, y0 + (y1 - y0) * s / length, x0 + (x1 - x0) * e / length, y0 + (y1 - y0) * e / length, color, width);
        }
    }

    /// <summary>A filled anti-aliased disc (a point marker).</summary>
    public void Dot(double cx, double cy, double radius, PlotColor color) => Line(cx, cy, cx, cy, color, 2 * radius);

    /// <summary>Text with its top-left corner at (x, y), glyphs magnified by an integer <paramref name="scale"/>.</summary>
    public void Text(int x, int y, string text, PlotColor color, int scale = 1) =>
        BitmapFont.Render(text, scale, (gx, gy) => FillRect(x + gx, y + gy, scale, scale, color));

    /// <summary>Text turned 90° counter-clockwise (read bottom to top), its bounding box's top-left corner at (x, y).</summary>
    public void TextVertical(int x, int y, string text, PlotColor color, int scale = 1)
    {
        int length = BitmapFont.Width(text, scale);
        BitmapFont.Render(text, scale, (gx, gy) => FillRect(x + gy, y + length - gx - scale, scale, scale, color));
    }

    public Image ToImage() => new(Width, Height, PixelFormat.Rgb24, (byte[])_rgb.Clone());

    // Coverage each pixel has received from the line being drawn (cleared when the line is complete).
    private readonly Dictionary<int, double> _coverage = new();

    private void BlendMax(int x, int y, PlotColor color, double coverage)
    {
        int key = y * Width + x;
        _coverage.TryGetValue(key, out double done);
        if (coverage <= done) return;
        // Blending the extra coverage onto what is there already approximates one pass at the maximum coverage.
        Blend(x, y, color, (coverage - done) / (1 - done));
        _coverage[key] = coverage;
    }
}
