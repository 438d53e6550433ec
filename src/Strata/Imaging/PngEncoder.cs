using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Strata.Imaging;

/// <summary>Writes 8-bit PNG files (grayscale, gray + alpha, RGB or RGBA; non-interlaced).</summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>
    /// Writes <paramref name="image"/> to <paramref name="path"/> atomically (a temporary file in the same folder
    /// replaces the target), so a crash never leaves a half-written PNG behind.
    /// </summary>
    public static void Save(string path, Image image) => Serialization.AtomicFile.WriteAllBytes(path, Encode(image));

    /// <summary>The PNG file's bytes.</summary>
    public static byte[] Encode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int bpp = image.Channels, rowBytes = image.Width * bpp;
        byte colorType = image.Format switch
        {
            PixelFormat.Gray8 => 0,
            PixelFormat.GrayAlpha16 => 4,
            PixelFormat.Rgb24 => 2,
            _ => 6,
        };

        using var file = new MemoryStream();
        file.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), image.Height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = colorType;
        // compression 0 (deflate), filter method 0, interlace 0: already zero
        WriteChunk(file, "IHDR", ihdr);

        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
            {
                var zero = new byte[rowBytes];
                var candidate = new byte[rowBytes];
                var best = new byte[rowBytes];
                for (int y = 0; y < image.Height; y++)
                {
                    var row = image.Pixels.AsSpan(y * rowBytes, rowBytes);
                    var previous = y == 0 ? zero : image.Pixels.AsSpan((y - 1) * rowBytes, rowBytes);
                    // libpng's heuristic: the filter whose output has the smallest sum of |signed byte| tends to
                    // compress best.
                    int bestType = 0;
                    long bestCost = long.MaxValue;
                    for (int type = 0; type < PngFilters.Count; type++)
                    {
                        PngFilters.Filter(type, row, previous, bpp, candidate);
                        long cost = 0;
                        foreach (var b in candidate) cost += Math.Abs((int)(sbyte)b);
                        if (cost < bestCost)
                        {
                            (bestCost, bestType) = (cost, type);
                            candidate.CopyTo(best, 0);
                        }
                    }
                    z.WriteByte((byte)bestType);
                    z.Write(best);
                }
            }
            WriteChunk(file, "IDAT", idat.ToArray());
        }
        WriteChunk(file, "IEND", ReadOnlySpan<byte>.Empty);
        return file.ToArray();
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        s.Write(header);
        s.Write(data);
        uint crc = Crc32.End(Crc32.Update(Crc32.Update(Crc32.Begin, header[4..]), data));
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        s.Write(tail);
    }
}
