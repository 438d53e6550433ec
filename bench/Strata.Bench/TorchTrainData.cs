using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// The same Fashion-MNIST training set and slice as <see cref="TrainData"/>, read straight into libtorch tensors
/// (images kept as uint8, as torchvision does; <see cref="Batch"/> converts to float32/255), so a libtorch-only
/// process (the memory child) holds no Strata copy.
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

    /// <summary>Images, uint8 [N, 1, 28, 28].</summary>
    public torch.Tensor X { get; }

    /// <summary>The images at <paramref name="idx"/> as float32/255.</summary>
    public torch.Tensor Batch(torch.Tensor idx) => X.index_select(0, idx).to(torch.float32).div_(255f);
    public torch.Tensor Y { get; }

    /// <summary>Sample indices of the timed slice, in visiting order.</summary>
    public torch.Tensor Slice { get; }

    public int Batches { get; }

    /// <summary>Loads the training set once per process.</summary>
    public static TorchTrainData Shared(string directory)
    {
        if (_shared != null) return _shared;
        var (images, idims) = IdxBytes.Read(directory, "train-images-idx3-ubyte");
        var (labels, ldims) = IdxBytes.Read(directory, "train-labels-idx1-ubyte");
        if (idims.Length != 3 || ldims.Length != 1 || idims[0] != ldims[0])
            throw new InvalidDataException($"Strata.Bench: Fashion-MNIST in {directory}: image dims [{string.Join(", ", idims)}] do not match label dims [{string.Join(", ", ldims)}].");
        int n = idims[0];
        var x = torch.tensor(images, new long[] { n, 1, idims[1], idims[2] });
        torch.Tensor y;
        using (var bytes = torch.tensor(labels, new long[] { n }))
            y = bytes.to(torch.int64);
        var slice = TrainData.Permutation(n, TrainData.Seed).Take(Math.Min(TrainData.SliceSize, n)).Select(i => (long)i).ToArray();
        return _shared = new TorchTrainData(x, y, slice);
    }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Slice.Dispose();
    }
}
