using System.Globalization;
using Strata.Data;
using Strata.Data.Tabular;
using Strata.Data.Text;
using Strata.NN;
using Strata.Training;

namespace Strata.Cli;

/// <summary>
/// Labelled text for `strata train`/`evaluate`: a CSV (or TSV) file with a text column and a label column, or a
/// folder with one <c>CLASS.txt</c> file per class (entries separated by lines holding only <c>%</c>, as in fortune
/// files, else one text per line); turned into padded int64 id sequences [N, maxLength] (padding id 0 at the end,
/// long texts cut at the end) and class ids.
/// </summary>
internal static class TextData
{
    public static bool IsTextFile(string path) =>
        File.Exists(path) && (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase));

    /// <summary>A folder of per-class .txt files (and no IDX files, which would make it image data).</summary>
    public static bool IsClassFolder(string path) =>
        Directory.Exists(path) && Directory.EnumerateFiles(path, "*.txt").Any()
        && !Directory.EnumerateFiles(path, "*-idx*").Any();

    public static bool IsText(string path) => IsTextFile(path) || IsClassFolder(path);

    /// <summary>Texts and labels of a CSV/TSV file or a per-class folder.</summary>
    public static (string[] Texts, string[] Labels) ReadLabelled(string path, string textColumn, string labelColumn) =>
        IsTextFile(path) ? Columns(Read(path), textColumn, labelColumn) : ReadClassFolder(path);

    /// <summary>One class per <c>CLASS.txt</c> file, in file-name order.</summary>
    public static (string[] Texts, string[] Labels) ReadClassFolder(string dir)
    {
        var texts = new List<string>();
        var labels = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.txt").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            var entries = lines.Any(l => l.TrimEnd() == "%") ? Entries(lines) : lines.Select(l => l.Trim());
            int before = texts.Count;
            foreach (var e in entries.Where(e => e.Length > 0))
            {
                texts.Add(e);
                labels.Add(Path.GetFileNameWithoutExtension(file));
            }
            if (texts.Count == before) throw new CliException($"{file}: no texts in this class file.");
        }
        return (texts.ToArray(), labels.ToArray());
    }

    /// <summary>The entries of a fortune-format file: the text between lines that hold only <c>%</c>.</summary>
    private static IEnumerable<string> Entries(string[] lines)
    {
        var entry = new System.Text.StringBuilder();
        foreach (var line in lines.Append("%"))
        {
            if (line.TrimEnd() == "%")
            {
                yield return entry.ToString().Trim();
                entry.Clear();
            }
            else entry.Append(line).Append('\n');
        }
    }

    /// <summary>Indices of a train/test split that keeps each class's share (the test part of each class rounded up), each part in seeded random order.</summary>
    public static (int[] Train, int[] Test) StratifiedSplit(IReadOnlyList<string> labels, double testFraction, int seed)
    {
        var rng = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var idx = group.ToArray();
            rng.Shuffle(idx);
            int nTest = (int)Math.Ceiling(testFraction * idx.Length - 1e-9);
            if (nTest >= idx.Length) throw new CliException($"class '{group.Key}' has {idx.Length} text(s); holding out {testFraction:P0} for testing leaves none to train on.");
            test.AddRange(idx[..nTest]);
            train.AddRange(idx[nTest..]);
        }
        // Classes mixed in both parts: Fit's validation split takes the last rows, as Keras does.
        var trainIdx = train.ToArray();
        var testIdx = test.ToArray();
        rng.Shuffle(trainIdx);
        rng.Shuffle(testIdx);
        return (trainIdx, testIdx);
    }

    public static CsvTable Read(string path)
    {
        try { return CsvReader.Read(path, path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ','); }
        catch (InvalidDataException e) { throw new CliException(e.Message); }
    }

    /// <summary>The text and label columns' values, with errors that name the file and the columns it has.</summary>
    public static (string[] Texts, string[] Labels) Columns(CsvTable table, string textColumn, string labelColumn)
    {
        int Find(string name, string option)
        {
            int i = table.Columns.ToList().FindIndex(c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (i < 0) throw new CliException($"{table.Source}: no column '{name}' ({option}); the columns are {string.Join(", ", table.Columns)}.");
            return i;
        }
        int t = Find(textColumn, "--text-column"), l = Find(labelColumn, "--label-column");
        var texts = new string[table.RowCount];
        var labels = new string[table.RowCount];
        for (int r = 0; r < table.RowCount; r++)
        {
            texts[r] = table[r][t];
            labels[r] = table[r][l].Trim();
            if (labels[r].Length == 0) throw new CliException($"{table.Source}: line {table.LineOf(r)} has an empty label.");
        }
        if (texts.Length == 0) throw new CliException($"{table.Source}: no rows.");
        return (texts, labels);
    }

    /// <summary>Distinct labels in order: numerically when all are integers, otherwise ordinal.</summary>
    public static string[] ClassNames(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToArray();
        bool numeric = distinct.All(v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        return numeric
            ? distinct.OrderBy(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray()
            : distinct.OrderBy(v => v, StringComparer.Ordinal).ToArray();
    }

    public static Tensor ClassIds(string source, IReadOnlyList<string> labels, IReadOnlyList<string> classNames)
    {
        var index = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => (long)p.i, StringComparer.Ordinal);
        var ids = new long[labels.Count];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = index.TryGetValue(labels[i], out var k)
                ? k
                : throw new CliException($"{source}: label '{labels[i]}' is not one of the model's classes ({string.Join(", ", classNames)}).");
        return Tensor.FromArray(ids, ids.Length);
    }

    /// <summary>Token ids of each text, padded at the end with 0 and cut at the end to <paramref name="maxLength"/>.</summary>
    public static Tensor Encode(Tokenizer tokenizer, IEnumerable<string> texts, int maxLength) =>
        Sequences.Pad(texts.Select(tokenizer.Encode).ToList(), maxLength, PadSide.Post, PadSide.Post);

    /// <summary>Fits a tokenizer of the given kind on the training texts, with at most <paramref name="vocabSize"/> ids.</summary>
    public static Tokenizer FitTokenizer(string kind, IReadOnlyList<string> texts, int vocabSize) => kind switch
    {
        "word" => WordTokenizer.Fit(texts, vocabSize),
        "char" => CharTokenizer.Fit(texts, vocabSize),
        "bpe" => BpeTokenizer.Train(texts, vocabSize),
        _ => throw new CliException($"--tokenizer must be word, char or bpe, got '{kind}'."),
    };

    /// <summary>The first Embedding in the model (depth-first), whose row count bounds the vocabulary.</summary>
    public static Embedding? FirstEmbedding(Module m)
    {
        if (m is Embedding e) return e;
        foreach (var c in m.Children())
            if (FirstEmbedding(c) is { } found) return found;
        return null;
    }

    /// <summary>A dataset of padded ids and class ids.</summary>
    public static TensorDataset Dataset(Tokenizer tokenizer, IReadOnlyList<string> texts, Tensor classIds, int maxLength) =>
        new(Encode(tokenizer, texts, maxLength), classIds);
}
