using System.Globalization;

/// <summary>Reads data/timeseries/co2_monthly.csv (month,co2_ppmv,interpolated), checking every line.</summary>
static class Co2Csv
{
    public static (string[] Months, double[] Co2) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CO2 series not found: {path} (expected data/timeseries/co2_monthly.csv).", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "month,co2_ppmv,interpolated")
            throw new InvalidDataException($"{path}: expected the header 'month,co2_ppmv,interpolated' and data rows, got '{(lines.Length > 0 ? lines[0] : "")}'.");
        var months = new List<string>();
        var values = new List<double>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var parts = lines[i].Split(',');
            if (parts.Length != 3 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v <= 0)
                throw new InvalidDataException($"{path}: line {i + 1} '{lines[i]}' is not 'YYYY-MM,<positive ppmv>,0|1'.");
            if (!DateTime.TryParseExact(parts[0], "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
                throw new InvalidDataException($"{path}: line {i + 1} has month '{parts[0]}', expected YYYY-MM.");
            if (months.Count > 0 && month != DateTime.ParseExact(months[^1], "yyyy-MM", CultureInfo.InvariantCulture).AddMonths(1))
                throw new InvalidDataException($"{path}: line {i + 1} month {parts[0]} does not follow {months[^1]} (the series must be monthly without gaps).");
            months.Add(parts[0]);
            values.Add(v);
        }
        return (months.ToArray(), values.ToArray());
    }
}
