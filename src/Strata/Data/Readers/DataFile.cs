using System.IO.Compression;

namespace Strata.Data.Readers;

/// <summary>
/// Reading dataset files defensively: gzip is detected by its magic bytes, lengths are checked against what the
/// header promises before anything is trusted, and every failure is an <see cref="InvalidDataException"/> that
/// names the file.
/// </summary>
internal static class DataFile
{
    public static InvalidDataException Bad(string path, string what, Exception? inner = null) => new($"{path}: {what}", inner);

    /// <summary>Opens <paramref name="path"/>, decompressing when it starts with the gzip magic 1f 8b.</summary>
    public static Stream Open(string path, out bool gzip)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes of <paramref name="what"/>, starting at byte <paramref name="offset"/>
    /// of the (decompressed) content. The buffer grows with the data actually read, so a corrupt header that
    /// promises gigabytes fails on the short read rather than on the allocation.
    /// </summary>
    public static byte[] ReadExactly(Stream s, long count, string path, bool gzip, string what, long offset)
    {
        if (count > Array.MaxLength)
            throw Bad(path, $"{what} would be {count} bytes, more than one array can hold; the header is probably corrupt.");
        var buffer = new byte[Math.Min(count, 1 << 20)];
        long filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(count, (long)buffer.Length * 2));
            int n = Guarded(() => s.Read(buffer, (int)filled, buffer.Length - (int)filled), path, gzip);
            if (n == 0)
                throw Bad(path, $"truncated: expected {count} bytes of {what} after byte {offset} ({offset + count} bytes{(gzip ? " uncompressed" : "")} in all), but the file ends after {offset + filled}.");
            filled += n;
        }
        return buffer;
    }

    /// <summary>Throws when anything follows the expected <paramref name="expectedLength"/> bytes.</summary>
    public static void ExpectEnd(Stream s, string path, bool gzip, long expectedLength)
    {
        var buffer = new byte[1 << 16];
        long extra = 0;
        int n;
        while ((n = Guarded(() => s.Read(buffer, 0, buffer.Length), path, gzip)) > 0) extra += n;
        if (extra > 0)
            throw Bad(path, $"expected {expectedLength} bytes{(gzip ? " uncompressed" : "")} as the header describes, but the file has {expectedLength + extra} ({extra} extra).");
    }

    private static int Guarded(Func<int> read, string path, bool gzip)
    {
        try { return read(); }
        catch (InvalidDataException e) when (gzip) { throw Bad(path, $"bad gzip data ({e.Message}).", e); }
        catch (EndOfStreamException e) when (gzip) { throw Bad(path, "bad gzip data (the compressed stream ends early).", e); }
    }
}
