namespace Strata.Imaging;

/// <summary>
/// An 8-bit image in memory: <see cref="Height"/> rows of <see cref="Width"/> pixels, each <see cref="Channels"/>
/// interleaved bytes (row-major, top row first). Read and write it with <see cref="PngDecoder"/> and
/// <see cref="PngEncoder"/>; <see cref="ToTensor"/> turns it into network input.
/// </summary>
public sealed class Image
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied) as an image.</summary>
    /// <exception cref="ArgumentException">The array length is not width × height × channels.</exception>
    public Image(int width, int height, PixelFormat format, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(width < 1 ? nameof(width) : nameof(height), $"Image: width and height must be positive, got {width}×{height}.");
        if (!Enum.IsDefined(format))
            throw new ArgumentOutOfRangeException(nameof(format), $"Image: unknown pixel format {(int)format}.");
        long expected = (long)width * height * (int)format;
        if (pixels.LongLength != expected)
            throw new ArgumentException($"Image: a {width}×{height} {format} image needs {expected} bytes, got {pixels.LongLength}.", nameof(pixels));
        Width = width;
        Height = height;
        Format = format;
        Pixels = pixels;
    }

    /// <summary>A black (and, with alpha, fully transparent) image.</summary>
    public Image(int width, int height, PixelFormat format)
        : this(width, height, format, new byte[checked((long)width * height * (int)format)])
    {
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    /// <summary>Bytes per pixel: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels => (int)Format;

    /// <summary>The pixel bytes, row-major, channels interleaved; writable.</summary>
    public byte[] Pixels { get; }

    /// <summary>Whether the last channel is alpha.</summary>
    public bool HasAlpha => Format is PixelFormat.GrayAlpha16 or PixelFormat.Rgba32;

    /// <summary>
    /// Luminance only (<see cref="PixelFormat.Gray8"/>), with PIL's <c>convert("L")</c> weights
    /// L = 0.299 R + 0.587 G + 0.114 B; alpha is dropped, not composited (as PIL).
    /// </summary>
    public Image ToGrayscale()
    {
        int n = Width * Height, c = Channels;
        var gray = new byte[n];
        for (int i = 0; i < n; i++)
        {
            int o = i * c;
            gray[i] = c >= 3
                // PIL's fixed-point form of the weights (×65536, rounded), so results match it byte for byte.
                ? (byte)((Pixels[o] * 19595 + Pixels[o + 1] * 38470 + Pixels[o + 2] * 7471 + 0x8000) >> 16)
                : Pixels[o];
        }
        return new Image(Width, Height, PixelFormat.Gray8, gray);
    }

    /// <summary>
    /// Resized with a bilinear (triangle) filter that widens when shrinking, so every source pixel contributes
    /// (PIL's <c>resize(BILINEAR)</c>, PyTorch's <c>interpolate(mode="bilinear", antialias=True)</c>); plain
    /// 4-tap bilinear would skip pixels and alias when, say, a 280×280 drawing becomes 28×28.
    /// </summary>
    public Image Resize(int width, int height)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(width < 1 ? nameof(width) : nameof(height), $"Image.Resize: target size must be positive, got {width}×{height}.");
        return ImageResampler.Bilinear(this, width, height);
    }

    /// <summary>
    /// A float32 tensor [C, H, W] with values in [0, 1] (torchvision's <c>ToTensor</c>); add a batch dimension
    /// with <c>Unsqueeze(0)</c> before calling a model.
    /// </summary>
    public Tensor ToTensor()
    {
        int c = Channels, hw = Width * Height;
        var data = new float[c * hw];
        for (int i = 0; i < hw; i++)
            for (int k = 0; k < c; k++)
                data[k * hw + i] = Pixels[i * c + k] / 255f;
        return Tensor.FromArray(data, c, Height, Width);
    }

    /// <summary>Channel <paramref name="channel"/> of the pixel in column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public byte this[int x, int y, int channel = 0]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || (uint)channel >= (uint)Channels)
                throw new ArgumentOutOfRangeException(nameof(x), $"Image: pixel ({x}, {y}) channel {channel} is outside a {Width}×{Height}×{Channels} image.");
            return Pixels[(y * Width + x) * Channels + channel];
        }
    }

    public override string ToString() => $"Image({Width}×{Height}, {Format})";
}
