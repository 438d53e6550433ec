namespace Strata.Imaging;

/// <summary>
/// Separable resampling with PIL's coefficients (<c>ImagingResample</c>): output pixel i samples around source
/// position (i + 0.5)·scale with a triangle filter stretched by max(scale, 1), weights normalised over the pixels
/// inside the image. Computed in double and rounded once at the end.
/// </summary>
internal static class ImageResampler
{
    public static Image Bilinear(Image src, int width, int height)
    {
        int c = src.Channels;
        var (xStart, xWeights) = Coefficients(src.Width, width);
        var (yStart, yWeights) = Coefficients(src.Height, height);

        // Horizontal pass: src.Height rows of `width` pixels.
        var tmp = new double[src.Height * width * c];
        for (int y = 0; y < src.Height; y++)
            for (int x = 0; x < width; x++)
            {
                var w = xWeights[x];
                for (int k = 0; k < c; k++)
                {
                    double sum = 0;
                    for (int j = 0; j < w.Length; j++) sum += w[j] * src.Pixels[(y * src.Width + xStart[x] + j) * c + k];
                    tmp[(y * width + x) * c + k] = sum;
                }
            }

        var dst = new byte[width * height * c];
        for (int y = 0; y < height; y++)
        {
            var w = yWeights[y];
            for (int x = 0; x < width; x++)
                for (int k = 0; k < c; k++)
                {
                    double sum = 0;
                    for (int j = 0; j < w.Length; j++) sum += w[j] * tmp[((yStart[y] + j) * width + x) * c + k];
                    dst[(y * width + x) * c + k] = (byte)Math.Clamp(Math.Round(sum, MidpointRounding.AwayFromZero), 0, 255);
                }
        }
        return new Image(width, height, src.Format, dst);
    }

    private static (int[] Start, double[][] Weights) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1);
        double support = filterScale; // the triangle's half-width is 1 source pixel, stretched when shrinking
        var start = new int[outSize];
        var weights = new double[outSize][];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int lo = Math.Max(0, (int)(center - support + 0.5));
            int hi = Math.Min(inSize, (int)(center + support + 0.5));
            var w = new double[Math.Max(0, hi - lo)];
            double total = 0;
            for (int j = 0; j < w.Length; j++)
            {
                double d = Math.Abs((lo + j - center + 0.5) / filterScale);
                w[j] = d < 1 ? 1 - d : 0;
                total += w[j];
            }
            if (total > 0)
                for (int j = 0; j < w.Length; j++) w[j] /= total;
            start[i] = lo;
            weights[i] = w;
        }
        return (start, weights);
    }
}
