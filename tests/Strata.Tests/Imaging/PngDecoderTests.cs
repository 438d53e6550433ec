using System.Buffers.Binary;
using System.Text.Json;
using Strata.Imaging;
using Xunit;

namespace Strata.Tests.Imaging;

/// <summary>
/// Decoding hand-built PNGs (fixtures/png, written by tests/reference/make_png_fixtures.py with zlib and struct,
/// checked there against PIL) and reporting broken ones.
/// </summary>
public class PngDecoderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "png", name + ".png");

    private static readonly Lazy<JsonElement> Expected = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "png", "expected.json")));
        return doc.RootElement.Clone();
    });

    [Theory]
    [InlineData("gray8")]        // all five filter types, two IDAT chunks
    [InlineData("gray_alpha")]
    [InlineData("rgb")]          // ancillary tEXt chunk skipped, three IDAT chunks
    [InlineData("rgba")]
    [InlineData("palette")]
    [InlineData("palette_trns")] // tRNS → RGBA
    [InlineData("palette_4bit")] // packed samples, odd width
    [InlineData("gray_1bit")]
    public void DecodesEveryColourType(string name)
    {
        var e = Expected.Value.GetProperty(name);
        var image = PngDecoder.Load(Fixture(name));
        Assert.Equal(e.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(e.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(Enum.Parse<PixelFormat>(e.GetProperty("format").GetString()!), image.Format);
        Assert.Equal(e.GetProperty("pixels").EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray(), image.Pixels);
    }

    [Theory]
    [InlineData("gray16", typeof(NotSupportedException), "unsupported bit depth 16")]
    [InlineData("interlaced", typeof(NotSupportedException), "interlace")]
    [InlineData("short_idat", typeof(InvalidDataException), "truncated IDAT")]
    [InlineData("bad_filter", typeof(InvalidDataException), "row 1 has invalid filter type 7")]
    public void UnsupportedAndBrokenFixturesNameFileAndProblem(string name, Type exception, string problem)
    {
        var ex = Assert.Throws(exception, () => PngDecoder.Load(Fixture(name)));
        Assert.Contains(name + ".png", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    private static byte[] ValidFile() => File.ReadAllBytes(Fixture("rgb"));

    // Offset of the first chunk of the given type.
    private static int ChunkOffset(byte[] png, string type)
    {
        for (int pos = 8; pos < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (System.Text.Encoding.ASCII.GetString(png, pos + 4, 4) == type) return pos;
            pos += 12 + length;
        }
        throw new InvalidOperationException($"no {type} chunk");
    }

    [Fact]
    public void BadSignature()
    {
        var png = ValidFile();
        png[1] = (byte)'X';
        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png, "sig.png"));
        Assert.Contains("'sig.png'", ex.Message);
        Assert.Contains("bad signature", ex.Message);
        Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(new byte[3], "tiny.png"));
    }

    [Fact]
    public void CorruptedByteFailsThatChunksCrc()
    {
        var png = ValidFile();
        png[ChunkOffset(png, "IDAT") + 9] ^= 0x40;
        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png, "flip.png"));
        Assert.Contains("'flip.png'", ex.Message);
        Assert.Contains("bad CRC in chunk IDAT", ex.Message);
        png = ValidFile();
        png[ChunkOffset(png, "IHDR") + 8] ^= 1; // width
        Assert.Contains("bad CRC in chunk IHDR", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png)).Message);
    }

    [Fact]
    public void TruncatedFiles()
    {
        var png = ValidFile();
        int idat = ChunkOffset(png, "IDAT");
        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png[..(idat + 20)], "cut.png"));
        Assert.Contains("'cut.png'", ex.Message);
        Assert.Contains("truncated IDAT chunk", ex.Message);
        // Cut after the last IDAT: the data is there, the IEND is not.
        int iend = ChunkOffset(png, "IEND");
        ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png[..iend], "noend.png"));
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("IEND", ex.Message);
        ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png[..idat], "nodata.png"));
        Assert.Contains("before any IDAT", ex.Message);
    }

    [Fact]
    public void MissingFileIsTheUsualIoError()
    {
        Assert.Throws<FileNotFoundException>(() => PngDecoder.Load(Fixture("does_not_exist")));
    }
}
