using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Strata.Imaging;

/// <summary>
/// Reads non-interlaced PNG files: grayscale (1, 2, 4 or 8 bits), gray + alpha, RGB and RGBA (8 bits), and
/// palette images (1, 2, 4 or 8 bits; with a tRNS chunk they decode to RGBA). Every chunk's CRC is checked.
/// </summary>
/// <remarks>
/// A malformed file raises <see cref="InvalidDataException"/> and a valid but unsupported one (16-bit samples,
/// Adam7 interlacing) <see cref="NotSupportedException"/>; both messages name the file and the problem.
/// Transparency chunks of gray and RGB images (a single transparent colour) are ignored.
/// </remarks>
public static class PngDecoder
{
    private static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    // Larger decoded images are refused rather than risking an out-of-memory crash on a corrupt header.
    private const long MaxDecodedBytes = 1L << 30;

    /// <summary>Reads the PNG file at <paramref name="path"/>.</summary>
    public static Image Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PNG bytes; <paramref name="source"/> names them in error messages.</summary>
    public static Image Decode(ReadOnlySpan<byte> data, string source = "<memory>")
    {
        string where = $"PNG '{source}'";
        if (data.Length < 8 || !data[..8].SequenceEqual(Signature))
            throw new InvalidDataException($"{where}: not a PNG file (bad signature).");

        Header? header = null;
        byte[]? palette = null, alpha = null;
        using var idat = new MemoryStream();
        bool sawIdat = false, sawEnd = false;
        int pos = 8;
        while (!sawEnd)
        {
            if (data.Length - pos < 12)
                throw new InvalidDataException($"{where}: file truncated at offset {pos}: {(sawIdat ? "no IEND chunk after the IDAT data" : "the chunk stream ends before any IDAT chunk")}.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var typeBytes = data.Slice(pos + 4, 4);
            string type = Encoding.ASCII.GetString(typeBytes);
            foreach (var b in typeBytes)
                if (!(b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'a' and <= (byte)'z'))
                    throw new InvalidDataException($"{where}: invalid chunk type at offset {pos} (bytes {Convert.ToHexString(typeBytes)}).");
            if (length > int.MaxValue || length > data.Length - pos - 12)
                throw new InvalidDataException($"{where}: truncated {type} chunk at offset {pos}: it declares {length} data bytes but only {Math.Max(0, data.Length - pos - 12)} remain.");
            var body = data.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            uint computed = Crc32.End(Crc32.Update(Crc32.Update(Crc32.Begin, typeBytes), body));
            if (stored != computed)
                throw new InvalidDataException($"{where}: bad CRC in chunk {type} at offset {pos} (stored 0x{stored:X8}, computed 0x{computed:X8}).");
            if (header is null && type != "IHDR")
                throw new InvalidDataException($"{where}: the first chunk must be IHDR, found {type}.");

            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw new InvalidDataException($"{where}: more than one IHDR chunk.");
                    header = Header.Parse(body, where);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768)
                        throw new InvalidDataException($"{where}: PLTE chunk of {length} bytes is not 1 to 256 RGB entries.");
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    alpha = body.ToArray();
                    break;
                case "IDAT":
                    sawIdat = true;
                    idat.Write(body);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    // Bit 5 of the first letter marks a chunk a decoder may skip; an unknown critical one may change
                    // how the pixels are to be read.
                    if ((typeBytes[0] & 0x20) == 0)
                        throw new NotSupportedException($"{where}: unknown critical chunk {type}.");
                    break;
            }
            pos += 12 + (int)length;
        }

        var h = header!.Value;
        if (!sawIdat) throw new InvalidDataException($"{where}: no IDAT chunk (no image data).");
        if (h.ColorType == 3 && palette is null) throw new InvalidDataException($"{where}: palette image without a PLTE chunk.");

        int rowBytes = (int)((h.Width * (long)h.BitsPerPixel + 7) / 8);
        long expected = (rowBytes + 1L) * h.Height;
        var raw = Inflate(idat, expected, where);
        return ToImage(h, raw, rowBytes, palette, alpha, where);
    }

    private static byte[] Inflate(MemoryStream idat, long expected, string where)
    {
        var raw = new byte[expected];
        int got = 0;
        idat.Position = 0;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            while (got < raw.Length)
            {
                int n = z.Read(raw, got, raw.Length - got);
                if (n == 0) break;
                got += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: corrupt IDAT data after {got} of {expected} bytes ({e.Message}).", e);
        }
        if (got < expected)
            throw new InvalidDataException($"{where}: truncated IDAT: the image needs {expected} bytes of filtered data, the compressed stream holds only {got}.");
        return raw;
    }

    private static Image ToImage(Header h, byte[] raw, int rowBytes, byte[]? palette, byte[]? alpha, string where)
    {
        int bpp = Math.Max(1, h.BitsPerPixel / 8);
        var previous = new byte[rowBytes];
        var current = new byte[rowBytes];
        bool paletteAlpha = h.ColorType == 3 && alpha is not null;
        var format = h.ColorType switch
        {
            0 => PixelFormat.Gray8,
            4 => PixelFormat.GrayAlpha16,
            2 => PixelFormat.Rgb24,
            6 => PixelFormat.Rgba32,
            _ => paletteAlpha ? PixelFormat.Rgba32 : PixelFormat.Rgb24,
        };
        int channels = (int)format;
        var image = new Image(h.Width, h.Height, format);
        var pixels = image.Pixels;
        int entries = palette is null ? 0 : palette.Length / 3;
        for (int y = 0; y < h.Height; y++)
        {
            int offset = y * (rowBytes + 1);
            int filter = raw[offset];
            raw.AsSpan(offset + 1, rowBytes).CopyTo(current);
            if (!PngFilters.Unfilter(filter, current, previous, bpp))
                throw new InvalidDataException($"{where}: row {y} has invalid filter type {filter} (0 to 4 are defined).");
            int dst = y * h.Width * channels;
            if (h.BitDepth == 8 && h.ColorType != 3)
                current.AsSpan(0, h.Width * channels).CopyTo(pixels.AsSpan(dst));
            else
                for (int x = 0; x < h.Width; x++)
                {
                    int v = Sample(current, x, h.BitDepth);
                    if (h.ColorType == 0)
                    {
                        pixels[dst + x] = (byte)(v * 255 / ((1 << h.BitDepth) - 1));
                        continue;
                    }
                    if (v >= entries)
                        throw new InvalidDataException($"{where}: pixel ({x}, {y}) uses palette index {v} but PLTE has {entries} entries.");
                    int o = dst + x * channels;
                    pixels[o] = palette![3 * v];
                    pixels[o + 1] = palette[3 * v + 1];
                    pixels[o + 2] = palette[3 * v + 2];
                    if (paletteAlpha) pixels[o + 3] = v < alpha!.Length ? alpha[v] : (byte)255;
                }
            (previous, current) = (current, previous);
        }
        return image;
    }

    // Samples narrower than a byte are packed from the most significant bit.
    private static int Sample(byte[] row, int x, int bitDepth)
    {
        if (bitDepth == 8) return row[x];
        int bit = x * bitDepth;
        return (row[bit >> 3] >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
    }

    private readonly record struct Header(int Width, int Height, int BitDepth, int ColorType)
    {
        public int BitsPerPixel => BitDepth * ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

        public static Header Parse(ReadOnlySpan<byte> b, string where)
        {
            if (b.Length != 13) throw new InvalidDataException($"{where}: IHDR chunk has {b.Length} bytes, expected 13.");
            uint width = BinaryPrimitives.ReadUInt32BigEndian(b), height = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
            int depth = b[8], color = b[9];
            if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
                throw new InvalidDataException($"{where}: invalid image size {width}×{height}.");
            bool valid = color switch
            {
                0 => depth is 1 or 2 or 4 or 8 or 16,
                3 => depth is 1 or 2 or 4 or 8,
                2 or 4 or 6 => depth is 8 or 16,
                _ => throw new InvalidDataException($"{where}: invalid colour type {color}."),
            };
            if (!valid) throw new InvalidDataException($"{where}: bit depth {depth} is not valid for colour type {color}.");
            if (depth == 16) throw new NotSupportedException($"{where}: unsupported bit depth 16 (8-bit and lower samples are supported).");
            if (b[10] != 0) throw new InvalidDataException($"{where}: unknown compression method {b[10]}.");
            if (b[11] != 0) throw new InvalidDataException($"{where}: unknown filter method {b[11]}.");
            if (b[12] == 1) throw new NotSupportedException($"{where}: Adam7 interlaced PNGs are not supported (unsupported interlace).");
            if (b[12] != 0) throw new InvalidDataException($"{where}: unknown interlace method {b[12]}.");
            int channels = color switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };
            int outChannels = color == 3 ? 4 : channels;
            if ((long)width * height * outChannels > MaxDecodedBytes)
                throw new NotSupportedException($"{where}: a {width}×{height} image is too large to decode (over {MaxDecodedBytes >> 20} MiB).");
            return new Header((int)width, (int)height, depth, color);
        }
    }
}
