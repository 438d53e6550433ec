namespace Strata.Data.Readers;

/// <summary>
/// CIFAR-10 in its binary version (torchvision <c>CIFAR10</c>, Keras <c>cifar10.load_data</c>): the files
/// <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> and <c>test_batch.bin</c>, each a sequence of 3,073-byte records
/// (one label byte, then 3,072 pixel bytes: the red, green and blue 32×32 planes, row by row).
/// </summary>
public static class Cifar10
{
    private const int Side = 32;
    private const int ImageBytes = 3 * Side * Side;
    private const int RecordBytes = ImageBytes + 1;

    /// <summary>The standard class names, used when the folder has no <c>batches.meta.txt</c>.</summary>
    public static IReadOnlyList<string> DefaultClassNames { get; } = new[]
    {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    };

    /// <summary>The training files followed by the test file.</summary>
    public static IReadOnlyList<string> FileNames { get; } = new[]
    {
        "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin",
    };

    /// <summary>
    /// Reads training and test sets from <paramref name="directory"/> (or its <c>cifar-10-batches-bin</c> subfolder, as
    /// the official archive unpacks): images float32 [N, 3, 32, 32] in [0, 1], labels int64 [N], class names from
    /// <c>batches.meta.txt</c> when present. Every file is validated before anything is returned.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the expected names and the folder.</exception>
    /// <exception cref="InvalidDataException">A file is not a whole number of records, is empty, has a label out of
    /// range, or the class-name file does not list 10 names.</exception>
    public static TrainTestDatasets Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"CIFAR-10: folder '{Path.GetFullPath(directory)}' does not exist.");
        var nested = Path.Combine(directory, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(directory, FileNames[0])) && Directory.Exists(nested)) directory = nested;
        foreach (var f in FileNames)
            if (!File.Exists(Path.Combine(directory, f)))
                throw new FileNotFoundException(
                    $"CIFAR-10: '{f}' is missing from '{Path.GetFullPath(directory)}'; the folder must hold {string.Join(", ", FileNames)} (the binary version of CIFAR-10).",
                    Path.Combine(directory, f));
        var names = ReadClassNames(Path.Combine(directory, "batches.meta.txt"));
        var train = FileNames.Take(5).Select(f => ReadRecords(Path.Combine(directory, f), names.Count)).ToList();
        var test = ReadRecords(Path.Combine(directory, FileNames[5]), names.Count);
        var trainSet = Build(train);
        try
        {
            return new TrainTestDatasets(trainSet, Build(new List<byte[]> { test }), names);
        }
        catch
        {
            trainSet.Dispose();
            throw;
        }
    }

    /// <summary>The whole file, checked to be a whole, non-zero number of records with labels below <paramref name="classes"/>.</summary>
    internal static byte[] ReadRecords(string path, int classes)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw DataFile.Bad(path, "the file is empty; expected 3073-byte CIFAR-10 records.");
        if (bytes.Length % RecordBytes != 0)
            throw DataFile.Bad(path, $"{bytes.Length} bytes is not a whole number of 3073-byte CIFAR-10 records (expected {(long)(bytes.Length / RecordBytes + 1) * RecordBytes} for {bytes.Length / RecordBytes + 1} records; truncated?).");
        for (int i = 0; i < bytes.Length / RecordBytes; i++)
            if (bytes[i * RecordBytes] >= classes)
                throw DataFile.Bad(path, $"record {i} has label {bytes[i * RecordBytes]}, out of range (expected 0 to {classes - 1}).");
        return bytes;
    }

    private static TensorDataset Build(List<byte[]> files)
    {
        int n = files.Sum(f => f.Length / RecordBytes);
        var (x, y) = ImageData.Allocate(n, 3, Side, Side);
        var xs = HostTensor.Elements<float>(x, "Cifar10");
        var ys = HostTensor.Elements<long>(y, "Cifar10");
        int at = 0;
        foreach (var f in files)
            for (int r = 0; r < f.Length / RecordBytes; r++, at++)
            {
                var record = f.AsSpan(r * RecordBytes, RecordBytes);
                ys[at] = record[0];
                ImageData.Scale(record[1..], xs.Slice(at * ImageBytes, ImageBytes));
            }
        return TensorDataset.Adopt(x, y);
    }

    private static IReadOnlyList<string> ReadClassNames(string path)
    {
        if (!File.Exists(path)) return DefaultClassNames;
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != 10)
            throw DataFile.Bad(path, $"expected 10 class names, one per line, found {names.Length}.");
        return names;
    }
}
