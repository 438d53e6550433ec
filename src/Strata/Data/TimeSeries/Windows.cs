namespace Strata.Data.TimeSeries;

/// <summary>
/// Cuts a series into supervised samples: each sample is <c>inputWidth</c> consecutive steps of every feature,
/// its target the next <c>horizon</c> steps of the target column (Keras <c>timeseries_dataset_from_array</c>,
/// TensorFlow's window generator).
/// </summary>
public static class Windows
{
    /// <summary>
    /// Windows over <paramref name="series"/> [T, F] (time by features): X [N, inputWidth, F], Y [N, horizon] of column
    /// <paramref name="targetColumn"/>, for every start t = 0, stride, 2·stride, ... with t + inputWidth + horizon ≤ T.
    /// </summary>
    public static TensorDataset Create(float[,] series, int inputWidth, int horizon, int targetColumn = 0, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(series);
        int t = series.GetLength(0), f = series.GetLength(1);
        if (inputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(inputWidth), $"Windows.Create: inputWidth must be positive, got {inputWidth}.");
        if (horizon <= 0) throw new ArgumentOutOfRangeException(nameof(horizon), $"Windows.Create: horizon must be positive, got {horizon}.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"Windows.Create: stride must be positive, got {stride}.");
        if ((uint)targetColumn >= (uint)f) throw new ArgumentOutOfRangeException(nameof(targetColumn), $"Windows.Create: target column {targetColumn} is outside the {f} feature(s).");
        int span = inputWidth + horizon;
        if (t < span) throw new ArgumentException($"Windows.Create: the series has {t} steps, fewer than inputWidth + horizon = {span}.");
        int n = (t - span) / stride + 1;
        var x = new float[n * inputWidth * f];
        var y = new float[n * horizon];
        for (int s = 0; s < n; s++)
        {
            int start = s * stride;
            for (int i = 0; i < inputWidth; i++)
                for (int c = 0; c < f; c++) x[(s * inputWidth + i) * f + c] = series[start + i, c];
            for (int h = 0; h < horizon; h++) y[s * horizon + h] = series[start + inputWidth + h, targetColumn];
        }
        using var tx = Tensor.FromArray(x, n, inputWidth, f);
        using var ty = Tensor.FromArray(y, n, horizon);
        return new TensorDataset(tx, ty);
    }

    /// <summary>A one-feature series as [T, 1].</summary>
    public static float[,] Column(IReadOnlyList<float> values)
    {
        var m = new float[values.Count, 1];
        for (int i = 0; i < values.Count; i++) m[i, 0] = values[i];
        return m;
    }

    /// <summary>Rows [from, from + count) of <paramref name="series"/>, for chronological train/validation/test splits.</summary>
    public static float[,] Rows(float[,] series, int from, int count)
    {
        int t = series.GetLength(0), f = series.GetLength(1);
        if (from < 0 || count < 0 || from + count > t) throw new ArgumentOutOfRangeException(nameof(count), $"Windows.Rows: rows [{from}, {from + count}) are outside the {t}-step series.");
        var m = new float[count, f];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < f; c++) m[i, c] = series[from + i, c];
        return m;
    }
}
