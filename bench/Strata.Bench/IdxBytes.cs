using System.Buffers.Binary;
using System.IO.Compression;

namespace Strata.Bench;

/// <summary>
/// Reads an unsigned-byte IDX file (plain or .gz) into one exactly-sized byte array: the header first, then the data
/// straight into its array, so loading never holds a second copy (that would count in the memory workload).
/// </summary>
public static class IdxBytes
{
    public static (byte[] Data, int[] Dims) Read(string directory, string name)
    {
        string plain = Path.Combine(directory, name), gz = plain + ".gz";
        Stream s = File.Exists(plain) ? File.OpenRead(plain)
            : File.Exists(gz) ? new GZipStream(File.OpenRead(gz), CompressionMode.Decompress)
            : throw new FileNotFoundException($"Strata.Bench: {name} (or {name}.gz) not found in {directory}.");
        using (s)
        {
            var head = new byte[4];
            s.ReadExactly(head);
            if (head[0] != 0 || head[1] != 0 || head[2] != 0x08)
                throw new InvalidDataException($"Strata.Bench: {name} in {directory} is not an unsigned-byte IDX file.");
            var dimBytes = new byte[4 * head[3]];
            s.ReadExactly(dimBytes);
            var dims = new int[head[3]];
            for (int i = 0; i < dims.Length; i++) dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            long count = dims.Aggregate(1L, (a, d) => a * d);
            var data = new byte[count];
            s.ReadExactly(data);
            return (data, dims);
        }
    }
}
