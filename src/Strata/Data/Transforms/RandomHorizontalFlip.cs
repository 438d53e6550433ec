namespace Strata.Data.Transforms;

/// <summary>Mirrors the image left–right with probability <c>p</c> (torchvision <c>RandomHorizontalFlip</c>).</summary>
public sealed class RandomHorizontalFlip : ITransform
{
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"RandomHorizontalFlip: p must be in [0, 1], got {p}.");
        P = p;
    }

    /// <summary>Probability of flipping.</summary>
    public double P { get; }

    public Shape OutputShape(Shape inputShape)
    {
        ImageShape.Of(nameof(RandomHorizontalFlip), inputShape);
        return inputShape;
    }

    public void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random)
    {
        var img = ImageShape.Of(nameof(RandomHorizontalFlip), inputShape);
        // Draw even when p is 0 or 1 so the stream position does not depend on p.
        if (!(random.NextDouble() < P))
        {
            input.CopyTo(output);
            return;
        }
        int w = img.Width;
        for (int row = 0; row < img.Channels * img.Height; row++)
        {
            var src = input.Slice(row * w, w);
            var dst = output.Slice(row * w, w);
            for (int x = 0; x < w; x++) dst[x] = src[w - 1 - x];
        }
    }

    public override string ToString() => $"RandomHorizontalFlip(p={P})";
}
