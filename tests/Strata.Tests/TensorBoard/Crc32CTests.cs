using System.Text;
using Strata.Training.TensorBoard;
using Xunit;

namespace Strata.Tests.TensorBoard;

public class Crc32CTests
{
    [Fact]
    public void KnownVectors()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute(ReadOnlySpan<byte>.Empty));
        // RFC 3720 (iSCSI) appendix B.4.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void MaskRotatesRightBy15AndAddsTheConstant()
    {
        // ((crc >> 15) | (crc << 17)) + 0xa282ead8, modulo 2^32.
        Assert.Equal(0xA282EAD8u, Crc32C.Mask(0));
        Assert.Equal(0xA282EAD7u, Crc32C.Mask(0xFFFFFFFF));
        Assert.Equal(0xA282EAD8u + 0x20000u, Crc32C.Mask(1));
        Assert.Equal(0xC78AB0E5u, Crc32C.Mask(0xE3069283));
        Assert.Equal(Crc32C.Mask(Crc32C.Compute("abc"u8)), Crc32C.Masked("abc"u8));
    }
}
