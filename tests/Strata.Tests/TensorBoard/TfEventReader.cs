using System.Buffers.Binary;
using System.Text;

namespace Strata.Tests.TensorBoard;

/// <summary>
/// An independent reader of TensorBoard event files for the tests: TFRecord framing with CRC-32C computed bit by bit
/// (not Strata's table), and a generic protobuf decoder, so it shares no code with the writer.
/// </summary>
internal static class TfEventReader
{
    internal sealed record Scalar(string Tag, float Value);

    internal sealed record Event(double WallTime, long Step, string? FileVersion, List<Scalar> Scalars);

    public static List<byte[]> Records(byte[] file)
    {
        var records = new List<byte[]>();
        int pos = 0;
        while (pos < file.Length)
        {
            if (file.Length - pos < 12) throw new InvalidDataException($"record at {pos}: truncated length");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(pos));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 8));
            if (lengthCrc != MaskedCrc(file.AsSpan(pos, 8))) throw new InvalidDataException($"record at {pos}: bad length CRC");
            pos += 12;
            if ((ulong)(file.Length - pos) < length + 4) throw new InvalidDataException($"record at {pos}: truncated data");
            var data = file.AsSpan(pos, (int)length).ToArray();
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + (int)length));
            if (dataCrc != MaskedCrc(data)) throw new InvalidDataException($"record at {pos}: bad data CRC");
            records.Add(data);
            pos += (int)length + 4;
        }
        return records;
    }

    public static List<Event> Read(string path)
    {
        // The writer may still hold the file open.
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[fs.Length];
        fs.ReadExactly(bytes);
        return Records(bytes).Select(DecodeEvent).ToList();
    }

    public static Event DecodeEvent(byte[] data)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<Scalar>();
        foreach (var (field, wire, value, bytes) in Fields(data))
        {
            switch (field)
            {
                case 1 when wire == 1: wallTime = BitConverter.Int64BitsToDouble((long)value); break;
                case 2 when wire == 0: step = (long)value; break;
                case 3 when wire == 2: version = Encoding.UTF8.GetString(bytes!); break;
                case 5 when wire == 2:
                    foreach (var (sf, sw, _, sv) in Fields(bytes!))
                    {
                        if (sf != 1 || sw != 2) throw new InvalidDataException($"Summary: unexpected field {sf}");
                        string tag = "";
                        float simple = float.NaN;
                        foreach (var (vf, vw, vv, vb) in Fields(sv!))
                        {
                            if (vf == 1 && vw == 2) tag = Encoding.UTF8.GetString(vb!);
                            else if (vf == 2 && vw == 5) simple = BitConverter.Int32BitsToSingle((int)vv);
                            else throw new InvalidDataException($"Value: unexpected field {vf}");
                        }
                        scalars.Add(new Scalar(tag, simple));
                    }
                    break;
                default: throw new InvalidDataException($"Event: unexpected field {field} (wire type {wire})");
            }
        }
        return new Event(wallTime, step, version, scalars);
    }

    /// <summary>Protobuf fields: (number, wire type, varint/fixed value, length-delimited bytes).</summary>
    private static IEnumerable<(int, int, ulong, byte[]?)> Fields(byte[] data)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            ulong key = Varint(data, ref pos);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref pos), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos)), null); pos += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)), null); pos += 4; break;
                case 2:
                    int n = (int)Varint(data, ref pos);
                    yield return (field, wire, 0, data.AsSpan(pos, n).ToArray());
                    pos += n;
                    break;
                default: throw new InvalidDataException($"unsupported wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int pos)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
    }

    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ ((crc & 1) != 0 ? 0x82F63B78u : 0);
        }
        crc = ~crc;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8);
    }
}
