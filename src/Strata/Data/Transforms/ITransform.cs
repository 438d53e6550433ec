namespace Strata.Data.Transforms;

/// <summary>
/// A per-sample transform (as torchvision's transforms), applied by the <see cref="DataLoader"/>'s worker to each
/// float32 sample between gathering and batching. Random transforms draw only from the <see cref="Generator"/>
/// they are given, which the loader seeds from its seed, the epoch and the sample's position, so a run is
/// reproducible with or without prefetch.
/// </summary>
/// <remarks>
/// Image transforms take [C, H, W] or [H, W] samples. Implementations must be safe to call from a background
/// thread and must not keep state between calls (one instance may serve several loaders at once).
/// </remarks>
public interface ITransform
{
    /// <summary>The shape of a transformed sample; throws <see cref="ArgumentException"/> naming the transform when it cannot take <paramref name="inputShape"/>.</summary>
    Shape OutputShape(Shape inputShape);

    /// <summary>
    /// Writes the transform of <paramref name="input"/> (row-major, shape <paramref name="inputShape"/>) to
    /// <paramref name="output"/> (shape <see cref="OutputShape"/>). The two spans never overlap.
    /// </summary>
    void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random);
}
