namespace Strata.Imaging;

/// <summary>
/// The five PNG row filters (None, Sub, Up, Average, Paeth). Each predicts a byte from the byte one pixel to the
/// left (a), the byte above (b) and the one above-left (c); the stored value is the difference, mod 256.
/// </summary>
internal static class PngFilters
{
    public const int Count = 5;

    /// <summary>Restores a filtered row in place. <paramref name="previous"/> is the restored row above (zeros for the first).</summary>
    public static bool Unfilter(int type, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        switch (type)
        {
            case 0:
                return true;
            case 1:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                return true;
            case 2:
                for (int i = 0; i < row.Length; i++) row[i] += previous[i];
                return true;
            case 3:
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + previous[i]) >> 1);
                return true;
            case 4:
                for (int i = 0; i < row.Length; i++)
                    row[i] += Paeth(i >= bpp ? row[i - bpp] : (byte)0, previous[i], i >= bpp ? previous[i - bpp] : (byte)0);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="type"/> into <paramref name="output"/>.</summary>
    public static void Filter(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        for (int i = 0; i < row.Length; i++)
        {
            byte a = i >= bpp ? row[i - bpp] : (byte)0, b = previous[i], c = i >= bpp ? previous[i - bpp] : (byte)0;
            byte prediction = type switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (byte)((a + b) >> 1),
                _ => Paeth(a, b, c),
            };
            output[i] = (byte)(row[i] - prediction);
        }
    }

    /// <summary>The predictor of the three neighbours closest to a + b − c (ties: a, then b, then c).</summary>
    public static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }
}
