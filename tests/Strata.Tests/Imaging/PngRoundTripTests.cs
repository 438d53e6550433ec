using Strata.Imaging;
using Xunit;

namespace Strata.Tests.Imaging;

public class PngRoundTripTests
{
    private static Image Random(int w, int h, PixelFormat format, int seed)
    {
        var rnd = new Random(seed);
        var pixels = new byte[w * h * (int)format];
        // Half smooth (filters predict it), half noise (they cannot), so the encoder's filter choice varies by row.
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i % 2 == 0 ? (byte)(i / 3) : (byte)rnd.Next(256);
        return new Image(w, h, format, pixels);
    }

    [Theory]
    [InlineData(PixelFormat.Gray8, 1, 1)]
    [InlineData(PixelFormat.Gray8, 37, 23)]
    [InlineData(PixelFormat.Rgb24, 31, 17)]
    [InlineData(PixelFormat.GrayAlpha16, 9, 5)]
    [InlineData(PixelFormat.Rgba32, 16, 16)]
    public void EncodeThenDecodeGivesIdenticalPixels(PixelFormat format, int w, int h)
    {
        var image = Random(w, h, format, w * 1000 + h);
        var back = PngDecoder.Decode(PngEncoder.Encode(image));
        Assert.Equal(w, back.Width);
        Assert.Equal(h, back.Height);
        Assert.Equal(format, back.Format);
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void SaveIsAtomicAndOverwrites()
    {
        var dir = Directory.CreateTempSubdirectory("strata-png-");
        try
        {
            var path = Path.Combine(dir.FullName, "a.png");
            PngEncoder.Save(path, Random(8, 4, PixelFormat.Rgb24, 1));
            var second = Random(3, 5, PixelFormat.Gray8, 2);
            PngEncoder.Save(path, second);
            Assert.Equal(second.Pixels, PngDecoder.Load(path).Pixels);
            Assert.Equal(new[] { "a.png" }, dir.GetFiles().Select(f => f.Name)); // no temporary file left behind
            var ex = Assert.Throws<DirectoryNotFoundException>(() => PngEncoder.Save(Path.Combine(dir.FullName, "missing", "b.png"), second));
            Assert.Contains("missing", ex.Message);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void ImageValidatesItsBuffer()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Image(4, 3, PixelFormat.Rgb24, new byte[35]));
        Assert.Contains("36 bytes", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(0, 3, PixelFormat.Gray8));
    }
}
