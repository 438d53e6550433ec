using System.Globalization;
using System.Text;

namespace Strata.NN;

/// <summary>Formats the rows of <see cref="Module.Summary(int[])"/> as a Keras-style text table.</summary>
internal static class SummaryTable
{
    internal sealed record Row(string Layer, string OutputShape, long Params);

    public static string Format(string modelName, IReadOnlyList<Row> rows, long trainable, long nonTrainable)
    {
        const string h1 = "Layer (type)", h2 = "Output Shape", h3 = "Param #";
        int w1 = Math.Max(h1.Length, rows.Count == 0 ? 0 : rows.Max(r => r.Layer.Length)) + 3;
        int w2 = Math.Max(h2.Length, rows.Count == 0 ? 0 : rows.Max(r => r.OutputShape.Length)) + 3;
        int w3 = Math.Max(h3.Length, rows.Count == 0 ? 0 : rows.Max(r => Count(r.Params).Length));
        int width = 1 + w1 + w2 + w3;
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(modelName).Append("\"\n");
        sb.Append('_', width).Append('\n');
        sb.Append(' ').Append(h1.PadRight(w1)).Append(h2.PadRight(w2)).Append(h3).Append('\n');
        sb.Append('=', width).Append('\n');
        foreach (var r in rows)
            sb.Append(' ').Append(r.Layer.PadRight(w1)).Append(r.OutputShape.PadRight(w2)).Append(Count(r.Params)).Append('\n');
        sb.Append('=', width).Append('\n');
        sb.Append("Total params: ").Append(Count(trainable + nonTrainable)).Append('\n');
        sb.Append("Trainable params: ").Append(Count(trainable)).Append('\n');
        sb.Append("Non-trainable params: ").Append(Count(nonTrainable)).Append('\n');
        sb.Append('_', width).Append('\n');
        return sb.ToString();
    }

    /// <summary>Python tuple notation with the batch dim as None: (None, 32, 26, 26), (None,) for rank 1, () for a scalar.</summary>
    public static string ShapeText(Shape? shape)
    {
        if (shape is not Shape s) return "?";
        if (s.Rank == 0) return "()";
        var dims = new List<string> { "None" };
        for (int i = 1; i < s.Rank; i++) dims.Add(s[i].ToString(CultureInfo.InvariantCulture));
        return s.Rank == 1 ? "(None,)" : "(" + string.Join(", ", dims) + ")";
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
