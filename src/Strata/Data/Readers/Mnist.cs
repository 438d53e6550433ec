namespace Strata.Data.Readers;

/// <summary>
/// The MNIST handwritten digits (and any dataset in its file layout, such as <see cref="FashionMnist"/>), read from
/// the four official IDX files, plain or gzip-compressed, as torchvision's <c>MNIST</c> and Keras' <c>mnist.load_data</c>.
/// </summary>
public static class Mnist
{
    /// <summary>The official file names, without the optional ".gz".</summary>
    public static IReadOnlyList<string> FileNames { get; } = new[]
    {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    };

    /// <summary>Class names "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray();

    /// <summary>
    /// Reads the training and test sets from <paramref name="directory"/>: images float32 [N, 1, 28, 28] scaled to
    /// [0, 1], labels int64 [N]. Every file is validated before anything is returned.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the expected names and the folder.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, a label is not 0–9, or image and label counts differ.</exception>
    public static TrainTestDatasets Load(string directory) => Load(directory, "MNIST", ClassNames);

    internal static TrainTestDatasets Load(string directory, string name, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{name}: folder '{Path.GetFullPath(directory)}' does not exist.");
        var paths = FileNames.Select(f => Find(directory, f, name)).ToArray();
        var train = ReadPair(paths[0], paths[1], classNames.Count);
        try
        {
            var test = ReadPair(paths[2], paths[3], classNames.Count);
            return new TrainTestDatasets(train, test, classNames);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    private static string Find(string directory, string file, string name)
    {
        foreach (var candidate in new[] { file, file + ".gz" })
        {
            var p = Path.Combine(directory, candidate);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException(
            $"{name}: '{file}' (or '{file}.gz') is missing from '{Path.GetFullPath(directory)}'; the folder must hold {string.Join(", ", FileNames.Select(f => f + "[.gz]"))}.",
            Path.Combine(directory, file));
    }

    private static TensorDataset ReadPair(string imagesPath, string labelsPath, int classes)
    {
        var images = Idx.ReadRaw(imagesPath);
        if (images.Type != IdxType.UnsignedByte || images.Dims.Length != 3)
            throw DataFile.Bad(imagesPath, $"expected unsigned-byte images of shape [N, rows, cols], got {images.Type} data of shape [{string.Join(", ", images.Dims)}].");
        var labels = Idx.ReadRaw(labelsPath);
        if (labels.Type != IdxType.UnsignedByte || labels.Dims.Length != 1)
            throw DataFile.Bad(labelsPath, $"expected unsigned-byte labels of shape [N], got {labels.Type} data of shape [{string.Join(", ", labels.Dims)}].");
        int n = images.Dims[0];
        if (labels.Dims[0] != n)
            throw new InvalidDataException($"{imagesPath} has {n} images but {labelsPath} has {labels.Dims[0]} labels.");
        for (int i = 0; i < n; i++)
            if (labels.Bytes[i] >= classes)
                throw DataFile.Bad(labelsPath, $"label {labels.Bytes[i]} at index {i} is out of range (expected 0 to {classes - 1}).");
        var (x, y) = ImageData.Allocate(n, 1, images.Dims[1], images.Dims[2]);
        ImageData.Scale(images.Bytes, HostTensor.Elements<float>(x, "Mnist"));
        var ys = HostTensor.Elements<long>(y, "Mnist");
        for (int i = 0; i < n; i++) ys[i] = labels.Bytes[i];
        return TensorDataset.Adopt(x, y);
    }
}
