
namespace Strata.Bench;

/// <summary>
/// The Fashion-MNIST training set shared by the training workloads: the full set if installed, else the repository's
/// sample; images as bytes (converted to float32/255 per batch, as torchvision does), int64 labels, and the timed slice (the first <see cref="SliceSize"/>
/// positions of a SplitMix64 Fisher-Yates permutation that bench/peers/pytorch_bench.py reproduces bit for bit).
/// </summary>
public sealed class TrainData : IDisposable
{
    public const string FullDirectory = "/usr/share/datasets/fashion-mnist";
    public const int BatchSize = 64;
    public const int SliceSize = 10_240;
    public const ulong Seed = 0;

    private static TrainData? _shared;

    private readonly float[] _batch;
    private readonly int[] _batchShape;

    private TrainData(byte[] images, int[] dims, Tensor y)
    {
        Images = images;
        SampleSize = dims[1] * dims[2];
        Y = y;
        Slice = Permutation(dims[0], Seed).Take(Math.Min(SliceSize, dims[0])).Select(i => (long)i).ToArray();
        _batch = new float[BatchSize * SampleSize];
        _batchShape = new[] { BatchSize, 1, dims[1], dims[2] };
    }

    /// <summary>Images as bytes [N·28·28] (kept as uint8 as torchvision does; <see cref="Batch"/> converts).</summary>
    public byte[] Images { get; }

    public int SampleSize { get; }

    /// <summary>The images at <paramref name="idx"/> as a float32/255 tensor [B, 1, 28, 28] in the current scope (no managed allocation).</summary>
    public Tensor Batch(ReadOnlySpan<long> idx)
    {
        for (int b = 0; b < idx.Length; b++)
        {
            var src = Images.AsSpan(checked((int)idx[b] * SampleSize), SampleSize);
            var dst = _batch.AsSpan(b * SampleSize, SampleSize);
            for (int i = 0; i < src.Length; i++) dst[i] = src[i] / 255f;
        }
        return Tensor.FromSpan<float>(_batch.AsSpan(0, idx.Length * SampleSize), _batchShape);
    }

    /// <summary>Labels as a Strata tensor.</summary>
    public Tensor Y { get; }

    /// <summary>Sample indices of the timed slice, in visiting order.</summary>
    public long[] Slice { get; }

    /// <summary>Whole batches in the slice.</summary>
    public int Batches => Slice.Length / BatchSize;

    /// <summary>The folder used: the installed full set, or the sample found by walking up from the binaries.</summary>
    public static string Directory(out string description)
    {
        if (File.Exists(Path.Combine(FullDirectory, "train-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(FullDirectory, "train-images-idx3-ubyte")))
        {
            description = $"Fashion-MNIST full training set ({FullDirectory})";
            return FullDirectory;
        }
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "data", "fashion-mnist");
            if (System.IO.Directory.Exists(candidate))
            {
                description = $"Fashion-MNIST bundled sample ({candidate}); {FullDirectory} not found";
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"Strata.Bench: no Fashion-MNIST data: neither {FullDirectory} nor a data/fashion-mnist folder above {AppContext.BaseDirectory}.");
    }

    /// <summary>Loads the training set once per process (the training workloads share it).</summary>
    public static TrainData Shared(string directory)
    {
        if (_shared != null) return _shared;
        var (images, idims) = IdxBytes.Read(directory, "train-images-idx3-ubyte");
        var (labels, ldims) = IdxBytes.Read(directory, "train-labels-idx1-ubyte");
        if (idims.Length != 3 || ldims.Length != 1 || idims[0] != ldims[0])
            throw new InvalidDataException($"Strata.Bench: Fashion-MNIST in {directory}: image dims [{string.Join(", ", idims)}] do not match label dims [{string.Join(", ", ldims)}].");
        var y = Tensor.FromArray(labels.Select(v => (long)v).ToArray(), labels.Length);
        TensorScope.Current?.Keep(y);
        return _shared = new TrainData(images, idims, y);
    }

    /// <summary>Fisher-Yates over 0..n-1 driven by SplitMix64 (portable, so the Python peer visits the same samples).</summary>
    public static int[] Permutation(int n, ulong seed)
    {
        var perm = Enumerable.Range(0, n).ToArray();
        ulong state = seed;
        for (int i = n - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            int j = (int)(z % (ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }

    public void Dispose() => Y.Dispose();
}
