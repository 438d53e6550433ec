namespace Strata.Data.Transforms;

/// <summary>
/// Per-channel standardisation <c>(x - mean[c]) / std[c]</c> (torchvision <c>Normalize</c>). Give one value per
/// channel, or a single value for all channels ([H, W] samples have one channel).
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    public Normalize(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"Normalize: mean and std need the same, non-zero number of channels, got {mean.Length} and {std.Length}.");
        foreach (var s in std)
            if (!(s > 0) || !float.IsFinite(s)) throw new ArgumentException($"Normalize: every std must be positive and finite, got [{string.Join(", ", std)}].");
        foreach (var m in mean)
            if (!float.IsFinite(m)) throw new ArgumentException($"Normalize: every mean must be finite, got [{string.Join(", ", mean)}].");
        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
    }

    /// <summary>The same mean and std for every channel.</summary>
    public Normalize(float mean, float std) : this(new[] { mean }, new[] { std }) { }

    public Shape OutputShape(Shape inputShape)
    {
        var img = ImageShape.Of(nameof(Normalize), inputShape);
        if (_mean.Length != 1 && _mean.Length != img.Channels)
            throw new ArgumentException($"Normalize: has {_mean.Length} channel statistics but the sample of shape {inputShape} has {img.Channels} channels.");
        return inputShape;
    }

    public void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random)
    {
        var img = ImageShape.Of(nameof(Normalize), inputShape);
        int plane = img.Plane;
        for (int c = 0; c < img.Channels; c++)
        {
            int k = _mean.Length == 1 ? 0 : c;
            float m = _mean[k], inv = 1f / _std[k];
            var src = input.Slice(c * plane, plane);
            var dst = output.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) dst[i] = (src[i] - m) * inv;
        }
    }

    public override string ToString() => $"Normalize(mean=[{string.Join(", ", _mean)}], std=[{string.Join(", ", _std)}])";
}
