namespace Strata.Data.Transforms;

/// <summary>
/// Rotates the image about its centre by an angle drawn uniformly from [min, max] degrees, counter-clockwise for
/// positive angles (torchvision <c>RandomRotation</c> convention), with bilinear interpolation and zero fill outside
/// the source (the sampling of <c>grid_sample(mode="bilinear", padding_mode="zeros", align_corners=False)</c>).
/// </summary>
public sealed class RandomRotation : ITransform
{
    /// <summary>Angles uniform in [-<paramref name="degrees"/>, +<paramref name="degrees"/>].</summary>
    public RandomRotation(double degrees) : this(-degrees, degrees)
    {
        if (degrees < 0) throw new ArgumentOutOfRangeException(nameof(degrees), $"RandomRotation: degrees must be non-negative when given as one number, got {degrees}.");
    }

    /// <summary>Angles uniform in [<paramref name="minDegrees"/>, <paramref name="maxDegrees"/>].</summary>
    public RandomRotation(double minDegrees, double maxDegrees)
    {
        if (!double.IsFinite(minDegrees) || !double.IsFinite(maxDegrees) || minDegrees > maxDegrees)
            throw new ArgumentException($"RandomRotation: need finite degrees with min <= max, got [{minDegrees}, {maxDegrees}].");
        MinDegrees = minDegrees;
        MaxDegrees = maxDegrees;
    }

    public double MinDegrees { get; }
    public double MaxDegrees { get; }

    public Shape OutputShape(Shape inputShape)
    {
        ImageShape.Of(nameof(RandomRotation), inputShape);
        return inputShape;
    }

    public void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random)
    {
        var img = ImageShape.Of(nameof(RandomRotation), inputShape);
        double angle = MinDegrees + (MaxDegrees - MinDegrees) * random.NextDouble();
        Rotate(input, img, output, angle);
    }

    /// <summary>Rotation by a fixed angle (degrees, counter-clockwise).</summary>
    internal static void Rotate(ReadOnlySpan<float> input, ImageShape img, Span<float> output, double degrees)
    {
        double theta = degrees * Math.PI / 180.0;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double cx = (img.Width - 1) * 0.5, cy = (img.Height - 1) * 0.5;
        int w = img.Width, h = img.Height;
        for (int y = 0; y < h; y++)
        {
            double dy = y - cy;
            for (int x = 0; x < w; x++)
            {
                double dx = x - cx;
                // Inverse map: the source point that lands on output pixel (x, y).
                double sx = cos * dx - sin * dy + cx;
                double sy = sin * dx + cos * dy + cy;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                float fx = (float)(sx - x0), fy = (float)(sy - y0);
                float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                bool inX0 = (uint)x0 < (uint)w, inX1 = (uint)(x0 + 1) < (uint)w;
                bool inY0 = (uint)y0 < (uint)h, inY1 = (uint)(y0 + 1) < (uint)h;
                for (int c = 0; c < img.Channels; c++)
                {
                    var src = input.Slice(c * img.Plane, img.Plane);
                    float v = 0;
                    if (inY0)
                    {
                        if (inX0) v += w00 * src[y0 * w + x0];
                        if (inX1) v += w01 * src[y0 * w + x0 + 1];
                    }
                    if (inY1)
                    {
                        if (inX0) v += w10 * src[(y0 + 1) * w + x0];
                        if (inX1) v += w11 * src[(y0 + 1) * w + x0 + 1];
                    }
                    output[c * img.Plane + y * w + x] = v;
                }
            }
        }
    }

    public override string ToString() => $"RandomRotation(degrees=[{MinDegrees}, {MaxDegrees}])";
}
