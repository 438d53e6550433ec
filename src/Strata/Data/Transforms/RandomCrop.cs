namespace Strata.Data.Transforms;

/// <summary>
/// Zero-pads every side by <c>padding</c>, then cuts a <c>height</c> × <c>width</c> window at a uniformly random
/// position (torchvision <c>RandomCrop(size, padding)</c> with constant zero fill).
/// </summary>
public sealed class RandomCrop : ITransform
{
    /// <summary>A square crop of side <paramref name="size"/>.</summary>
    public RandomCrop(int size, int padding = 0) : this(size, size, padding) { }

    public RandomCrop(int height, int width, int padding)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"RandomCrop: size must be positive, got {height}×{width}.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"RandomCrop: padding must be non-negative, got {padding}.");
        Height = height;
        Width = width;
        Padding = padding;
    }

    public int Height { get; }
    public int Width { get; }
    public int Padding { get; }

    public Shape OutputShape(Shape inputShape)
    {
        var img = ImageShape.Of(nameof(RandomCrop), inputShape);
        int ph = img.Height + 2 * Padding, pw = img.Width + 2 * Padding;
        if (Height > ph || Width > pw)
            throw new ArgumentException($"RandomCrop: crop {Height}×{Width} is larger than the padded image {ph}×{pw} (sample shape {inputShape}, padding {Padding}).");
        return ImageShape.Resized(inputShape, Height, Width);
    }

    public void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random)
    {
        var img = ImageShape.Of(nameof(RandomCrop), inputShape);
        int top = random.NextInt(img.Height + 2 * Padding - Height + 1) - Padding;
        int left = random.NextInt(img.Width + 2 * Padding - Width + 1) - Padding;
        for (int c = 0; c < img.Channels; c++)
        {
            var src = input.Slice(c * img.Plane, img.Plane);
            var dst = output.Slice(c * Height * Width, Height * Width);
            for (int y = 0; y < Height; y++)
            {
                var row = dst.Slice(y * Width, Width);
                int sy = top + y;
                if (sy < 0 || sy >= img.Height)
                {
                    row.Clear();
                    continue;
                }
                // Columns [x0, x1) of the window fall inside the image; the rest is padding.
                int x0 = Math.Clamp(-left, 0, Width), x1 = Math.Clamp(img.Width - left, 0, Width);
                row[..x0].Clear();
                if (x1 > x0) src.Slice(sy * img.Width + left + x0, x1 - x0).CopyTo(row[x0..x1]);
                row[Math.Max(x0, x1)..].Clear();
            }
        }
    }

    public override string ToString() => $"RandomCrop(size=({Height}, {Width}), padding={Padding})";
}
