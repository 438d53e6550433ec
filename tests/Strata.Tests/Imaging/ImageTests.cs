using System.Text.Json;
using Strata;
using Strata.Imaging;
using Xunit;

namespace Strata.Tests.Imaging;

/// <summary>Grayscale conversion and resizing against PIL (reference/imaging_reference.json, written by tests/reference/make_imaging_reference.py).</summary>
public class ImageTests
{
    private static readonly Lazy<JsonElement> Reference = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "imaging_reference.json")));
        return doc.RootElement.Clone();
    });

    private static byte[] Bytes(JsonElement e) => e.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray();

    private static Image Source()
    {
        var r = Reference.Value;
        return new Image(r.GetProperty("width").GetInt32(), r.GetProperty("height").GetInt32(), PixelFormat.Rgb24, Bytes(r.GetProperty("pixels")));
    }

    [Fact]
    public void GrayscaleMatchesPilExactly()
    {
        var gray = Source().ToGrayscale();
        Assert.Equal(PixelFormat.Gray8, gray.Format);
        Assert.Equal(Bytes(Reference.Value.GetProperty("gray")), gray.Pixels);
        // Hand check of the weights: pure red → 0.299·255 = 76.2 → 76; white stays 255; gray+alpha drops alpha.
        Assert.Equal(new byte[] { 76, 255 }, new Image(2, 1, PixelFormat.Rgb24, new byte[] { 255, 0, 0, 255, 255, 255 }).ToGrayscale().Pixels);
        Assert.Equal(new byte[] { 9 }, new Image(1, 1, PixelFormat.GrayAlpha16, new byte[] { 9, 0 }).ToGrayscale().Pixels);
    }

    [Fact]
    public void BilinearResizeMatchesPilWithinOneLevel()
    {
        var src = Source();
        foreach (var r in Reference.Value.GetProperty("resized").EnumerateArray())
        {
            int w = r.GetProperty("width").GetInt32(), h = r.GetProperty("height").GetInt32();
            var resized = src.Resize(w, h);
            var expected = Bytes(r.GetProperty("pixels"));
            Assert.Equal(expected.Length, resized.Pixels.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - resized.Pixels[i]) <= 1, $"{w}×{h} byte {i}: PIL {expected[i]}, Strata {resized.Pixels[i]}");
        }
    }

    [Fact]
    public void ResizeByHand()
    {
        // Halving [0, 100, 200, 255]: each output averages a 2-pixel window with a triangle of half-width 2
        // centred between them: weights ∝ (1/4, 3/4, 3/4, 1/4) clipped at the edge → out0 = (0·3 + 100·3 + 200·1)/7.
        var img = new Image(4, 1, PixelFormat.Gray8, new byte[] { 0, 100, 200, 255 });
        var half = img.Resize(2, 1);
        Assert.Equal(new byte[] { (byte)Math.Round(500.0 / 7), (byte)Math.Round((100 * 1 + 200 * 3 + 255 * 3) / 7.0) }, half.Pixels);
        // Same size is the identity; a constant image stays constant at any size.
        Assert.Equal(img.Pixels, img.Resize(4, 1).Pixels);
        var flat = new Image(5, 3, PixelFormat.Rgb24, Enumerable.Repeat((byte)77, 45).ToArray()).Resize(12, 2);
        Assert.All(flat.Pixels, b => Assert.Equal(77, b));
    }

    [Fact]
    public void ToTensorIsChannelsFirstInUnitRange()
    {
        var img = new Image(2, 1, PixelFormat.Rgb24, new byte[] { 255, 0, 51, 0, 102, 255 });
        using var t = img.ToTensor();
        Assert.Equal(new Shape(3, 1, 2), t.Shape);
        TestUtil.AssertClose(new[] { 1, 0, 0, 0.4, 0.2, 1 }, t.ToDoubleArray(), 1e-6, 1e-7);
        Assert.Equal(102, img[1, 0, 1]);
    }
}
