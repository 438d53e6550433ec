using System.Buffers.Binary;

namespace Strata.Data.Readers;

/// <summary>
/// Reader for the IDX format of MNIST and its relatives (big-endian: two zero bytes, a type code, the number of
/// dimensions, one 32-bit size per dimension, then the elements), plain or gzip-compressed (detected from the
/// content, not the file name).
/// </summary>
public static class Idx
{
    /// <summary>
    /// Reads an IDX file into a tensor of the file's shape, checking the whole file first.
    /// Strata has no 8- or 16-bit tensors, so unless <paramref name="dtype"/> says otherwise: float data stays
    /// float32/float64, and integer data (unsigned byte, signed byte, short, int) becomes int64 for 1-D files
    /// (labels) and float32 with the raw, unscaled values for files of 2 or more dimensions (images).
    /// </summary>
    /// <param name="path">The file, optionally gzip-compressed.</param>
    /// <param name="dtype">Result dtype (float32, float64, int32 or int64); integer dtypes need integer data.</param>
    /// <exception cref="InvalidDataException">Bad magic, unknown type code, zero dimensions, truncated or oversized
    /// content, or bad gzip data; the message names the file.</exception>
    public static Tensor Read(string path, DType? dtype = null)
    {
        var raw = ReadRaw(path);
        var target = dtype ?? (raw.Type switch
        {
            IdxType.Float => DType.Float32,
            IdxType.Double => DType.Float64,
            _ => raw.Dims.Length == 1 ? DType.Int64 : DType.Float32,
        });
        if (target == DType.Bool)
            throw new ArgumentException($"Idx.Read: {path}: dtype bool is not supported; use float32, float64, int32 or int64.");
        if (!target.IsFloating() && raw.Type is IdxType.Float or IdxType.Double)
            throw new ArgumentException($"Idx.Read: {path} holds {raw.Type.ToString().ToLowerInvariant()} values, which cannot be read as {target.Name()}.");
        var t = Tensor.Empty("Idx.Read", raw.Dims, target, Device.Cpu); // in the caller's scope, like any new tensor
        try
        {
            switch (target)
            {
                case DType.Float32: Convert(raw, HostTensor.Elements<float>(t, "Idx.Read"), v => (float)v); break;
                case DType.Float64: Convert(raw, HostTensor.Elements<double>(t, "Idx.Read"), v => v); break;
                case DType.Int32: Convert(raw, HostTensor.Elements<int>(t, "Idx.Read"), v => (int)v); break;
                default: Convert(raw, HostTensor.Elements<long>(t, "Idx.Read"), v => (long)v); break;
            }
        }
        catch
        {
            t.Dispose();
            throw;
        }
        return t;
    }

    private static void Convert<T>(IdxData raw, Span<T> dst, Func<double, T> cast) where T : unmanaged
    {
        var d = raw.Bytes;
        switch (raw.Type)
        {
            case IdxType.UnsignedByte: for (int i = 0; i < dst.Length; i++) dst[i] = cast(d[i]); break;
            case IdxType.SignedByte: for (int i = 0; i < dst.Length; i++) dst[i] = cast((sbyte)d[i]); break;
            case IdxType.Short: for (int i = 0; i < dst.Length; i++) dst[i] = cast(BinaryPrimitives.ReadInt16BigEndian(d.AsSpan(2 * i))); break;
            case IdxType.Int: for (int i = 0; i < dst.Length; i++) dst[i] = cast(BinaryPrimitives.ReadInt32BigEndian(d.AsSpan(4 * i))); break;
            case IdxType.Float: for (int i = 0; i < dst.Length; i++) dst[i] = cast(BinaryPrimitives.ReadSingleBigEndian(d.AsSpan(4 * i))); break;
            default: for (int i = 0; i < dst.Length; i++) dst[i] = cast(BinaryPrimitives.ReadDoubleBigEndian(d.AsSpan(8 * i))); break;
        }
    }

    /// <summary>Header and element bytes of a validated IDX file.</summary>
    internal static IdxData ReadRaw(string path)
    {
        using var s = DataFile.Open(path, out bool gzip);
        var head = DataFile.ReadExactly(s, 4, path, gzip, "IDX header", 0);
        if (head[0] != 0 || head[1] != 0)
            throw DataFile.Bad(path, $"bad magic: an IDX file starts with two zero bytes, this one with 0x{head[0]:x2} 0x{head[1]:x2}{(gzip ? "" : " (not gzip either)")}.");
        var type = (IdxType)head[2];
        int size = ElementSize(type);
        if (size == 0)
            throw DataFile.Bad(path, $"unknown IDX type code 0x{head[2]:x2} (expected 0x08 ubyte, 0x09 sbyte, 0x0b short, 0x0c int, 0x0d float or 0x0e double).");
        int rank = head[3];
        if (rank == 0) throw DataFile.Bad(path, "the IDX header declares 0 dimensions.");
        var dimBytes = DataFile.ReadExactly(s, 4L * rank, path, gzip, $"{rank} dimension sizes", 4);
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (d > int.MaxValue) throw DataFile.Bad(path, $"dimension {i} has size {d}, which is too large (corrupt header?).");
            dims[i] = (int)d;
            count *= d;
            if (count > int.MaxValue) throw DataFile.Bad(path, $"the dimensions [{string.Join(", ", dims.Take(i + 1))}...] hold more than {int.MaxValue} elements (corrupt header?).");
        }
        long headerLength = 4 + 4L * rank;
        long dataLength = count * size;
        if (!gzip && s.Length != headerLength + dataLength)
            throw DataFile.Bad(path, $"expected {headerLength + dataLength} bytes for {type} data of shape [{string.Join(", ", dims)}], but the file has {s.Length}{(s.Length < headerLength + dataLength ? " (truncated)" : "")}.");
        var data = DataFile.ReadExactly(s, dataLength, path, gzip, $"{type} data of shape [{string.Join(", ", dims)}]", headerLength);
        DataFile.ExpectEnd(s, path, gzip, headerLength + dataLength);
        return new IdxData(path, type, dims, data);
    }

    private static int ElementSize(IdxType type) => type switch
    {
        IdxType.UnsignedByte or IdxType.SignedByte => 1,
        IdxType.Short => 2,
        IdxType.Int or IdxType.Float => 4,
        IdxType.Double => 8,
        _ => 0,
    };
}
