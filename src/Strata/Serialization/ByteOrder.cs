namespace Strata.Serialization;

/// <summary>Byte swapping for the (rare) big-endian host: file formats here are little-endian.</summary>
internal static class ByteOrder
{
    /// <summary>Reverses the bytes of each <paramref name="size"/>-byte element of <paramref name="data"/> in place.</summary>
    public static void Reverse(Span<byte> data, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= data.Length; i += size) data.Slice(i, size).Reverse();
    }
}
