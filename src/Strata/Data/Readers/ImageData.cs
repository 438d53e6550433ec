namespace Strata.Data.Readers;

/// <summary>Building float32 [N, C, H, W] image datasets in [0, 1] with int64 labels from validated 8-bit records.</summary>
internal static class ImageData
{
    /// <summary>Scope-free tensors for <paramref name="n"/> images and labels, to hand to <see cref="TensorDataset.Adopt"/>.</summary>
    public static (Tensor X, Tensor Y) Allocate(int n, int channels, int height, int width) =>
        (HostTensor.Allocate("ImageData", new[] { n, channels, height, width }, DType.Float32),
         HostTensor.Allocate("ImageData", new[] { n }, DType.Int64));

    // Correctly rounded v / 255 for every byte (as torchvision's img.float().div(255)), without a division per pixel.
    private static readonly float[] Table = Enumerable.Range(0, 256).Select(v => v / 255f).ToArray();

    /// <summary>dst[i] = src[i] / 255.</summary>
    public static void Scale(ReadOnlySpan<byte> src, Span<float> dst)
    {
        var table = Table;
        for (int i = 0; i < src.Length; i++) dst[i] = table[src[i]];
    }
}
