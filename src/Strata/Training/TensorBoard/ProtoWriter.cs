using System.Buffers.Binary;
using System.Text;

namespace Strata.Training.TensorBoard;

/// <summary>
/// Just enough of the protobuf wire format to encode TensorBoard events: varints, fixed 32/64-bit fields and
/// length-delimited fields (strings and nested messages).
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    private readonly MemoryStream _out = new();

    public byte[] ToArray() => _out.ToArray();

    public ProtoWriter Double(int field, double value)
    {
        Tag(field, WireFixed64);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        _out.Write(b);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, WireFixed32);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _out.Write(b);
        return this;
    }

    /// <summary>An int64 field: negative values take ten bytes (two's complement), as protobuf specifies.</summary>
    public ProtoWriter Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint(unchecked((ulong)value));
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A length-delimited field: bytes, or an already encoded nested message.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        _out.Write(value);
        return this;
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _out.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _out.WriteByte((byte)v);
    }
}
