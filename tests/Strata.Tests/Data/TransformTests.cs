using Strata;
using Strata.Data.Transforms;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Data;

public class TransformTests
{
    private static float[] Run(ITransform t, float[] input, Shape shape, ulong seed = 1)
    {
        var output = new float[t.OutputShape(shape).Numel];
        t.Apply(input, shape, output, new Generator(seed));
        return output;
    }

    [Fact]
    public void HorizontalFlipMirrorsRows()
    {
        var hw = new float[] { 1, 2, 3, 4, 5, 6 };
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4 }, Run(new RandomHorizontalFlip(1), hw, new Shape(2, 3)));
        Assert.Equal(hw, Run(new RandomHorizontalFlip(0), hw, new Shape(2, 3)));
        var chw = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        Assert.Equal(new float[] { 2, 1, 4, 3, 6, 5, 8, 7 }, Run(new RandomHorizontalFlip(1), chw, new Shape(2, 2, 2)));
        int flips = 0;
        for (ulong s = 0; s < 1000; s++)
            if (Run(new RandomHorizontalFlip(), hw, new Shape(2, 3), s)[0] == 3) flips++;
        Assert.InRange(flips, 440, 560); // Binomial(1000, 0.5): mean 500, sd 16
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5));
    }

    [Fact]
    public void RandomCropWithPaddingPicksEveryWindowOfThePaddedImage()
    {
        // [[1,2],[3,4]] zero-padded by 1 is the 4x4 image below; a 2x2 crop is one of its 9 windows.
        float[,] padded = { { 0, 0, 0, 0 }, { 0, 1, 2, 0 }, { 0, 3, 4, 0 }, { 0, 0, 0, 0 } };
        var windows = new List<float[]>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                windows.Add(new[] { padded[i, j], padded[i, j + 1], padded[i + 1, j], padded[i + 1, j + 1] });
        var crop = new RandomCrop(2, padding: 1);
        Assert.Equal(new Shape(1, 2, 2), crop.OutputShape(new Shape(1, 2, 2)));
        var seen = new HashSet<int>();
        for (ulong s = 0; s < 300; s++)
        {
            var o = Run(crop, new float[] { 1, 2, 3, 4 }, new Shape(1, 2, 2), s);
            int k = windows.FindIndex(w => w.SequenceEqual(o));
            Assert.True(k >= 0, $"seed {s}: [{string.Join(", ", o)}] is not a window of the padded image");
            seen.Add(k);
        }
        Assert.Equal(9, seen.Count);
    }

    [Fact]
    public void RandomCropKeepsChannelsAlignedAndChecksSize()
    {
        // Two channels whose values differ by 100: every crop must cut the same window from both.
        var input = Enumerable.Range(0, 12).Select(v => (float)v).Concat(Enumerable.Range(100, 12).Select(v => (float)v)).ToArray();
        var crop = new RandomCrop(2, 3, padding: 0);
        for (ulong s = 0; s < 20; s++)
        {
            var o = Run(crop, input, new Shape(2, 3, 4), s);
            Assert.Equal(12, o.Length);
            for (int k = 0; k < 6; k++) Assert.Equal(o[k] + 100, o[6 + k]);
            Assert.Equal(o[0] + 1, o[1]);
            Assert.Equal(o[0] + 4, o[3]);
        }
        Assert.Equal(new float[] { 0, 1, 2, 3 }, Run(new RandomCrop(2), new float[] { 0, 1, 2, 3 }, new Shape(2, 2)));
        var ex = Assert.Throws<ArgumentException>(() => new RandomCrop(5, 1).OutputShape(new Shape(1, 2, 2)));
        Assert.Contains("RandomCrop", ex.Message);
        Assert.Contains("4×4", ex.Message);
        Assert.Throws<ArgumentException>(() => new RandomCrop(2).OutputShape(new Shape(4)));
    }

    [Fact]
    public void RotationBy90DegreesIsTransposeThenFlip()
    {
        var input = Enumerable.Range(0, 25).Select(v => (float)v).ToArray();
        var output = Run(new RandomRotation(90, 90), input, new Shape(5, 5));
        // Counter-clockwise: out[y, x] = in[x, W-1-y], i.e. the transpose with its rows reversed.
        var expected = new double[25];
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) expected[y * 5 + x] = input[x * 5 + (4 - y)];
        AssertClose(expected, output.Select(v => (double)v).ToArray(), 0, 1e-4);
        Assert.Equal(input, Run(new RandomRotation(0), input, new Shape(5, 5)));
    }

    [Fact]
    public void RotationMatchesBilinearGridSampleReference()
    {
        foreach (var c in Reference("rotation").EnumerateArray())
        {
            var shape = new Shape(c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
            double deg = c.GetProperty("degrees").GetDouble();
            var input = Doubles(c.GetProperty("input")).Select(v => (float)v).ToArray();
            var output = Run(new RandomRotation(deg, deg), input, shape);
            AssertClose(Doubles(c.GetProperty("output")), output.Select(v => (double)v).ToArray(), 1e-5, 1e-5);
        }
    }

    [Fact]
    public void RandomRotationDrawsAnglesInRange()
    {
        // A single bright pixel right of centre ends up at angle a; its centre of mass tells the angle.
        var input = new float[9 * 9];
        input[4 * 9 + 8] = 1;
        var t = new RandomRotation(20);
        var angles = new List<double>();
        for (ulong s = 0; s < 50; s++)
        {
            var o = Run(t, input, new Shape(9, 9), s);
            double mx = 0, my = 0, m = 0;
            for (int y = 0; y < 9; y++)
                for (int x = 0; x < 9; x++) { mx += o[y * 9 + x] * (x - 4); my += o[y * 9 + x] * (y - 4); m += o[y * 9 + x]; }
            // Counter-clockwise on screen (y down) moves the pixel up, i.e. to negative y.
            angles.Add(Math.Atan2(-my / m, mx / m) * 180 / Math.PI);
        }
        Assert.All(angles, a => Assert.InRange(a, -24, 24)); // the centre of mass of an interpolated dot is only near its true position
        Assert.True(angles.Min() < -10 && angles.Max() > 10, $"angles span only [{angles.Min():F1}, {angles.Max():F1}]");
    }

    [Fact]
    public void NormalizeUsesPerChannelStatistics()
    {
        var input = new float[] { 1, 3, 5, 7, 2, 6, 10, 14 };
        var o = Run(new Normalize(new[] { 1f, 2f }, new[] { 2f, 4f }), input, new Shape(2, 2, 2));
        Assert.Equal(new float[] { 0, 1, 2, 3, 0, 1, 2, 3 }, o);
        Assert.Equal(new float[] { -1, 1 }, Run(new Normalize(0.5f, 0.5f), new float[] { 0, 1 }, new Shape(1, 2)));
        var ex = Assert.Throws<ArgumentException>(() => new Normalize(new[] { 0f, 0f }, new[] { 1f, 1f }).OutputShape(new Shape(3, 2, 2)));
        Assert.Contains("3 channels", ex.Message);
        Assert.Throws<ArgumentException>(() => new Normalize(new[] { 0f }, new[] { 0f }));
    }

    [Fact]
    public void GaussianNoiseHasTheRequestedStatistics()
    {
        const int n = 20000;
        var zeros = new float[n];
        var o = Run(new GaussianNoise(0.5), zeros, new Shape(n));
        double mean = o.Average(v => (double)v);
        double std = Math.Sqrt(o.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        Assert.InRange(mean, -4 * 0.5 / Math.Sqrt(n), 4 * 0.5 / Math.Sqrt(n));
        Assert.InRange(std, 0.485, 0.515);
        Assert.Equal(o, Run(new GaussianNoise(0.5), zeros, new Shape(n)));
        Assert.NotEqual(o, Run(new GaussianNoise(0.5), zeros, new Shape(n), seed: 2));
        var ones = Enumerable.Repeat(1f, 4).ToArray();
        Assert.Equal(ones, Run(new GaussianNoise(0), ones, new Shape(4)));
    }

    [Fact]
    public void ComposeChainsShapesAndRandomStreams()
    {
        var compose = new Compose(new Normalize(1f, 2f), new RandomCrop(2, padding: 1), new RandomHorizontalFlip());
        var shape = new Shape(1, 3, 3);
        Assert.Equal(new Shape(1, 2, 2), compose.OutputShape(shape));
        var input = Enumerable.Range(0, 9).Select(v => (float)v).ToArray();
        for (ulong s = 0; s < 10; s++)
        {
            var g = new Generator(s);
            var a = new float[9];
            new Normalize(1f, 2f).Apply(input, shape, a, g);
            var b = new float[4];
            new RandomCrop(2, padding: 1).Apply(a, shape, b, g);
            var c = new float[4];
            new RandomHorizontalFlip().Apply(b, new Shape(1, 2, 2), c, g);
            Assert.Equal(c, Run(compose, input, shape, s));
        }
    }

    [Fact]
    public void TensorApplyReturnsANewTensor()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 1, 2, 3);
        var y = new RandomHorizontalFlip(1).Apply(x);
        Assert.Equal(new Shape(1, 2, 3), y.Shape);
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4 }, y.ToArray<float>());
        var strided = x.Permute(0, 2, 1); // [1, 3, 2], not contiguous
        Assert.Equal(new float[] { 4, 1, 5, 2, 6, 3 }, new RandomHorizontalFlip(1).Apply(strided).ToArray<float>());
        var ex = Assert.Throws<ArgumentException>(() => new GaussianNoise(1).Apply(Tensor.Zeros(new[] { 2 }, DType.Float64)));
        Assert.Contains("float32", ex.Message);
    }
}
