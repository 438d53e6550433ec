using System.Buffers.Binary;
using System.IO.Compression;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// The same Fashion-MNIST training set and slice as <see cref="TrainData"/>, read straight into libtorch tensors
/// (uint8 → float32/255), so a libtorch-only process (the memory child) holds no Strata copy.
/// </summary>
public sealed class TorchTrainData : IDisposable
{
    private static TorchTrainData? _shared;

    private TorchTrainData(torch.Tensor x, torch.Tensor y, long[] slice)
    {
        X = x;
        Y = y;
        Slice = torch.tensor(slice, new long[] { slice.Length });
        Batches = slice.Length / TrainData.BatchSize;
    }

    public torch.Tensor X { get; }
    public torch.Tensor Y { get; }

    /// <summary>Sample indices of the timed slice, in visiting order.</summary>
    public torch.Tensor Slice { get; }

    public int Batches { get; }

    /// <summary>Loads the training set once per process.</summary>
    public static TorchTrainData Shared(string directory)
    {
        if (_shared != null) return _shared;
        var (images, idims) = ReadIdx(directory, "train-images-idx3-ubyte");
        var (labels, ldims) = ReadIdx(directory, "train-labels-idx1-ubyte");
        if (idims.Length != 3 || ldims.Length != 1 || idims[0] != ldims[0])
            throw new InvalidDataException($"Strata.Bench: Fashion-MNIST in {directory}: image dims [{string.Join(", ", idims)}] do not match label dims [{string.Join(", ", ldims)}].");
        int n = idims[0];
        torch.Tensor x;
        using (var bytes = torch.tensor(images, new long[] { n, 1, idims[1], idims[2] }))
            x = bytes.to(torch.float32).div_(255f);
        torch.Tensor y;
        using (var bytes = torch.tensor(labels, new long[] { n }))
            y = bytes.to(torch.int64);
        var slice = TrainData.Permutation(n, TrainData.Seed).Take(Math.Min(TrainData.SliceSize, n)).Select(i => (long)i).ToArray();
        return _shared = new TorchTrainData(x, y, slice);
    }

    private static (byte[] Data, int[] Dims) ReadIdx(string directory, string name)
    {
        string plain = Path.Combine(directory, name), gz = plain + ".gz";
        byte[] raw;
        if (File.Exists(plain)) raw = File.ReadAllBytes(plain);
        else if (File.Exists(gz))
        {
            using var f = File.OpenRead(gz);
            using var z = new GZipStream(f, CompressionMode.Decompress);
            using var ms = new MemoryStream();
            z.CopyTo(ms);
            raw = ms.ToArray();
        }
        else throw new FileNotFoundException($"Strata.Bench: {name} (or {name}.gz) not found in {directory}.");
        if (raw.Length < 4 || raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08)
            throw new InvalidDataException($"Strata.Bench: {name} in {directory} is not an unsigned-byte IDX file.");
        int ndim = raw[3];
        var dims = new int[ndim];
        for (int i = 0; i < ndim; i++) dims[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * i));
        int header = 4 + 4 * ndim;
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (raw.Length - header != count)
            throw new InvalidDataException($"Strata.Bench: {name} in {directory} holds {raw.Length - header} bytes of data for dims [{string.Join(", ", dims)}].");
        return (raw.AsSpan(header).ToArray(), dims);
    }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Slice.Dispose();
    }
}
