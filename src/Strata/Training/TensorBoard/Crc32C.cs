namespace Strata.Training.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing, and the "masked" form
/// TensorFlow stores so that a CRC of data that itself contains CRCs is not degenerate.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;
    private const uint MaskDelta = 0xA282EAD8;

    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TensorFlow's masking: rotate right by 15 bits, then add a constant.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
