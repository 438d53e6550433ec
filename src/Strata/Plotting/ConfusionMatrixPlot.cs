using System.Globalization;

namespace Strata.Plotting;

/// <summary>
/// A confusion matrix as a heatmap (rows: true class, columns: predicted class) with the count, or the row
/// fraction when normalised, written in each cell, class names on both axes and a colour bar.
/// </summary>
internal static class ConfusionMatrixPlot
{
    /// <summary>Where the cells landed, for tests: the grid's top-left corner and the cell size in pixels.</summary>
    public readonly record struct Layout(int Left, int Top, int Cell);

    public static (Canvas Canvas, Layout Layout) Render(long[,] matrix, IReadOnlyList<string>? classNames, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.GetLength(0);
        if (n == 0 || matrix.GetLength(1) != n)
            throw new ArgumentException($"Plots.ConfusionMatrix: the matrix must be square and non-empty, got {matrix.GetLength(0)}×{matrix.GetLength(1)}.", nameof(matrix));
        if (classNames is not null && classNames.Count != n)
            throw new ArgumentException($"Plots.ConfusionMatrix: {classNames.Count} class names for a {n}×{n} matrix.", nameof(classNames));
        foreach (var v in matrix)
            if (v < 0) throw new ArgumentException($"Plots.ConfusionMatrix: counts must be non-negative, found {v}.", nameof(matrix));
        var names = classNames?.Select(s => s ?? "").ToArray() ?? Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

        var values = new double[n, n];
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            long rowSum = 0;
            for (int j = 0; j < n; j++) rowSum += matrix[i, j];
            for (int j = 0; j < n; j++)
            {
                values[i, j] = normalize ? (rowSum == 0 ? 0 : (double)matrix[i, j] / rowSum) : matrix[i, j];
                max = Math.Max(max, values[i, j]);
            }
        }
        double scaleMax = normalize ? 1 : Math.Max(max, 1);
        string CellText(int i, int j) => normalize
            ? Metrics.FixedPoint.Format(values[i, j], 2)
            : matrix[i, j].ToString(CultureInfo.InvariantCulture);

        int cell = Math.Clamp(480 / n, 14, 72);
        int nameWidth = names.Max(s => BitmapFont.Width(s));
        bool verticalNames = names.Any(s => BitmapFont.Width(s) > cell - 4);
        int xNamesHeight = verticalNames ? nameWidth : BitmapFont.Height;
        string maxLabel = normalize ? "1.00" : ((long)scaleMax).ToString(CultureInfo.InvariantCulture);
        int grid = n * cell;
        int left = 14 + BitmapFont.Height + 12 + nameWidth + 8, top = 52;
        int barLeft = left + grid + 18, barWidth = 16;
        int width = barLeft + barWidth + 8 + BitmapFont.Width(maxLabel) + 16;
        int height = top + grid + 8 + xNamesHeight + 12 + BitmapFont.Height + 16;
        var canvas = new Canvas(Math.Max(width, 260), height, PlotColor.White);

        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double t = values[i, j] / scaleMax;
                int x = left + j * cell, y = top + i * cell;
                canvas.FillRect(x, y, cell, cell, PlotColor.Blues(t));
                string text = CellText(i, j);
                int scale = BitmapFont.Width(text, 2) <= cell - 8 && 2 * BitmapFont.CapHeight <= cell - 8 ? 2 : 1;
                if (BitmapFont.Width(text, scale) > cell - 2) continue; // does not fit: the colour still shows it
                canvas.Text(x + (cell - BitmapFont.Width(text, scale)) / 2, y + (cell - BitmapFont.CapHeight * scale) / 2, text,
                    t > 0.5 ? PlotColor.White : PlotColor.Text, scale);
            }
        canvas.StrokeRect(left - 1, top - 1, grid + 2, grid + 2, PlotColor.Axis);

        for (int i = 0; i < n; i++)
        {
            canvas.Text(left - 8 - BitmapFont.Width(names[i]), top + i * cell + (cell - BitmapFont.CapHeight) / 2, names[i], PlotColor.Text);
            int cx = left + i * cell + cell / 2;
            if (verticalNames)
                canvas.TextVertical(cx - BitmapFont.CapHeight / 2, top + grid + 8 + nameWidth - BitmapFont.Width(names[i]), names[i], PlotColor.Text);
            else
                canvas.Text(cx - BitmapFont.Width(names[i]) / 2, top + grid + 8, names[i], PlotColor.Text);
        }
        const string xTitle = "Predicted label", yTitle = "True label";
        canvas.Text(left + (grid - BitmapFont.Width(xTitle)) / 2, top + grid + 8 + xNamesHeight + 12, xTitle, PlotColor.Text);
        canvas.TextVertical(14, top + (grid - BitmapFont.Width(yTitle)) / 2, yTitle, PlotColor.Text);
        string title = normalize ? "Confusion matrix (normalized)" : "Confusion matrix";
        canvas.Text(Math.Max(4, left + (grid - BitmapFont.Width(title, 2)) / 2), 16, title, PlotColor.Text, 2);

        for (int y = 0; y < grid; y++) canvas.FillRect(barLeft, top + y, barWidth, 1, PlotColor.Blues(1 - (y + 0.5) / grid));
        canvas.StrokeRect(barLeft - 1, top - 1, barWidth + 2, grid + 2, PlotColor.Axis);
        canvas.Text(barLeft + barWidth + 6, top, maxLabel, PlotColor.Text);
        canvas.Text(barLeft + barWidth + 6, top + grid - BitmapFont.CapHeight, normalize ? "0.00" : "0", PlotColor.Text);
        return (canvas, new Layout(left, top, cell));
    }
}
