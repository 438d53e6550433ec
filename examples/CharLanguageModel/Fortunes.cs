/// <summary>Reads fortune files (entries separated by a line holding a single '%').</summary>
static class Fortunes
{
    /// <summary>The entries of one fortune file; throws <see cref="InvalidDataException"/> naming the file when it has none.</summary>
    public static string[] Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Fortune file not found: {path}.", path);
        var text = File.ReadAllText(path).Replace("\r\n", "\n");
        var entries = text.Split("\n%\n").Select(e => e.Trim('\n')).Where(e => e.Trim().Length > 0).ToArray();
        if (entries.Length == 0) throw new InvalidDataException($"{path}: no fortunes found (entries are separated by lines holding '%').");
        return entries;
    }

    /// <summary>
    /// All *.txt files of <paramref name="dir"/> (in name order) as one training and one validation text, in fortune
    /// format; every <paramref name="holdOutEvery"/>-th entry of each file goes to validation.
    /// </summary>
    public static (string Train, string Validation) LoadSplit(string dir, int holdOutEvery)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Fortune directory not found: {dir} (expected data/text/fortunes).");
        var files = Directory.GetFiles(dir, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new InvalidDataException($"{dir}: no *.txt fortune files.");
        var train = new List<string>();
        var val = new List<string>();
        foreach (var file in files)
        {
            var entries = Read(file);
            for (int i = 0; i < entries.Length; i++) (i % holdOutEvery == holdOutEvery - 1 ? val : train).Add(entries[i]);
        }
        return (string.Join("\n%\n", train) + "\n%\n", string.Join("\n%\n", val) + "\n%\n");
    }
}
