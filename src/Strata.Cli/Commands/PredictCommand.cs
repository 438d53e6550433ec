using System.CommandLine;
using System.Globalization;
using System.Text;
using Strata.Data.Readers;
using Strata.Imaging;
using Strata.Serialization;
using Strata.Training;

namespace Strata.Cli.Commands;

/// <summary>`strata predict`: class predictions for images in an IDX, CSV or PNG file, or for texts (text models).</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = CommonOptions.RequiredPath("--model", "a model file written by `strata train` or Model.Save", "PATH");
        var input = CommonOptions.RequiredPath("--input", "images to classify: an IDX image file (.gz or not), a CSV of pixel rows (0-255; a 'label' column is ignored), or a PNG image; for a text model: a CSV/TSV file with a text column, or a plain text file with one text per line", "FILE");
        var textColumn = new TextOptions().TextColumn;
        var output = new Option<string?>("--output") { Description = "write the predictions CSV here instead of the terminal", HelpName = "FILE" };
        var batchSize = CommonOptions.BatchSize(256);
        var command = new Command("predict", "Predict the class of each image or text in a file; prints CSV: index,class,name,probability.")
        {
            model, input, output, batchSize, textColumn,
        };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output), r.GetValue(batchSize), r.GetValue(textColumn)!));
        return command;
    }

    private static int Run(string modelPath, string inputPath, string? outputPath, int batchSize, string textColumn)
    {
        var model = ModelFiles.Load(modelPath);
        if (!File.Exists(inputPath)) throw new CliException($"{inputPath}: input file not found.");
        var sample = model.InputSampleShape ?? throw new CliException($"{modelPath}: the model does not record its input shape.");
        using var scope = Tensor.Scope();
        var x = model.Tokenizer is { } tokenizer ? ReadTexts(inputPath, tokenizer, sample, textColumn) : ReadInput(inputPath, sample);
        var outputs = model.Predict(x, batchSize);
        if (outputs.Shape.Rank != 2) throw new CliException($"{modelPath}: expected one score vector per sample, got outputs of shape {outputs.Shape}.");
        if (!SeedModels.OutputsProbabilities(model)) outputs = outputs.Softmax(-1);
        int n = outputs.Shape[0], c = outputs.Shape[1];
        var p = outputs.To(DType.Float64).ToArray<double>();
        var names = model.ClassNames is { } known && known.Count == c ? known : c == FashionMnist.ClassNames.Count ? FashionMnist.ClassNames : null;
        var csv = new StringBuilder("index,class,name,probability\n");
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int k = 1; k < c; k++) if (p[i * c + k] > p[i * c + best]) best = k;
            csv.Append(CultureInfo.InvariantCulture, $"{i},{best},{names?[best] ?? best.ToString(CultureInfo.InvariantCulture)},{p[i * c + best]:F4}\n");
        }
        if (outputPath is null) Console.Write(csv);
        else
        {
            AtomicFile.WriteAllText(outputPath, csv.ToString());
            Console.WriteLine($"wrote {n} predictions to {outputPath}");
        }
        return 0;
    }

    /// <summary>The input as a float32 batch [N, ...sample] scaled to [0, 1], by file content (PNG and gzip magic) and extension.</summary>
    private static Tensor ReadInput(string path, int[] sample)
    {
        var head = new byte[8];
        using (var f = File.OpenRead(path)) f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (head.AsSpan().StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })) return FromPng(path, sample);
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return FromCsv(path, sample);
        var raw = Idx.Read(path, DType.Float32);
        if (raw.Shape.Rank < 2) throw new CliException($"{path}: an IDX file of {raw.Shape.Rank} dimension(s) holds labels, not images.");
        return Reshape(path, raw / 255.0, raw.Shape[0], sample);
    }

    /// <summary>Token ids [N, maxLength] of the texts in a CSV/TSV column or in the lines of a plain text file.</summary>
    private static Tensor ReadTexts(string path, Data.Text.Tokenizer tokenizer, int[] sample, string textColumn)
    {
        if (sample is not [int maxLength]) throw new CliException($"{path}: the text model takes samples of shape [{string.Join(", ", sample)}], not [length].");
        string[] texts;
        if (TextData.IsTextFile(path))
        {
            var table = TextData.Read(path);
            int col = table.Columns.ToList().FindIndex(c => c.Equals(textColumn, StringComparison.OrdinalIgnoreCase));
            if (col < 0) throw new CliException($"{path}: no column '{textColumn}' (--text-column); the columns are {string.Join(", ", table.Columns)}.");
            texts = Enumerable.Range(0, table.RowCount).Select(r => table[r][col]).ToArray();
        }
        else texts = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        if (texts.Length == 0) throw new CliException($"{path}: no texts to classify.");
        return TextData.Encode(tokenizer, texts, maxLength);
    }

    private static Tensor FromPng(string path, int[] sample)
    {
        if (sample.Length != 3) throw new CliException($"{path}: PNG input needs a model that takes images [C, H, W]; this one takes [{string.Join(", ", sample)}].");
        int channels = sample[0], h = sample[1], w = sample[2];
        var image = PngDecoder.Load(path);
        image = channels switch
        {
            1 => image.ToGrayscale(),
            3 when image.Format == PixelFormat.Rgb24 => image,
            _ => throw new CliException($"{path}: the model takes {channels} channel(s); only grayscale models or RGB PNGs for 3-channel models are supported."),
        };
        if (image.Width != w || image.Height != h) image = image.Resize(w, h);
        return image.ToTensor().Reshape(1, channels, h, w);
    }

    private static Tensor FromCsv(string path, int[] sample)
    {
        int features = sample.Aggregate(1, (a, b) => a * b);
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new CliException($"{path}: the CSV file is empty.");
        var first = lines[0].Split(',');
        bool header = first.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        int labelColumn = header ? Array.FindIndex(first, f => f.Trim().Trim('"').Equals("label", StringComparison.OrdinalIgnoreCase)) : -1;
        var rows = header ? lines.Skip(1).ToList() : lines;
        var values = new float[rows.Count * features];
        for (int r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].Split(',');
            int expected = features + (labelColumn >= 0 ? 1 : 0);
            if (cells.Length != expected)
                throw new CliException($"{path}: line {r + (header ? 2 : 1)} has {cells.Length} values; the model takes {features} pixels{(labelColumn >= 0 ? " plus the label column" : "")}.");
            int j = 0;
            for (int col = 0; col < cells.Length; col++)
            {
                if (col == labelColumn) continue;
                if (!float.TryParse(cells[col], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new CliException($"{path}: line {r + (header ? 2 : 1)}, column {col + 1}: '{cells[col]}' is not a number.");
                values[r * features + j++] = v / 255f;
            }
        }
        var shape = new int[sample.Length + 1];
        shape[0] = rows.Count;
        sample.CopyTo(shape, 1);
        return Tensor.FromArray(values, shape);
    }

    private static Tensor Reshape(string path, Tensor x, int n, int[] sample)
    {
        int features = sample.Aggregate(1, (a, b) => a * b);
        if (x.Numel != (long)n * features)
            throw new CliException($"{path}: {n} image(s) of shape [{string.Join(", ", x.Shape.ToArray()[1..])}] do not fit the model's input [{string.Join(", ", sample)}].");
        var shape = new int[sample.Length + 1];
        shape[0] = n;
        sample.CopyTo(shape, 1);
        return x.Reshape(shape);
    }
}
