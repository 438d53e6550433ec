using System.Buffers;
using System.Runtime.InteropServices;
using Strata.Autograd;
using Strata.Backends;

namespace Strata.Serialization;

/// <summary>
/// Moves tensor elements between streams and device memory in bounded chunks (no whole-tensor host copy), in
/// little-endian row-major order whatever the tensor's strides.
/// </summary>
internal static class TensorBytes
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Writes the elements of <paramref name="tensor"/> (row-major, little-endian) to <paramref name="stream"/>.</summary>
    public static void Write(Tensor tensor, Stream stream)
    {
        Tensor c;
        using (GradMode.NoGrad()) c = tensor.Contiguous();
        try
        {
            switch (c.DType)
            {
                case DType.Float32: WriteChunks<float>(c, stream); break;
                case DType.Float64: WriteChunks<double>(c, stream); break;
                case DType.Int32: WriteChunks<int>(c, stream); break;
                case DType.Int64: WriteChunks<long>(c, stream); break;
                case DType.Bool: WriteChunks<byte>(c, stream); break;
                default: throw new NotSupportedException($"TensorBytes: dtype {c.DType} has no file representation.");
            }
        }
        finally
        {
            if (!ReferenceEquals(c, tensor)) c.Dispose();
        }
    }

    private static unsafe void WriteChunks<T>(Tensor c, Stream stream) where T : unmanaged
    {
        long numel = c.Numel;
        int per = ChunkBytes / sizeof(T);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long done = 0; done < numel; done += per)
            {
                int n = (int)Math.Min(per, numel - done);
                // Offsets are in elements of T, so a chunk is addressable for tensors beyond 2 GiB.
                var desc = new TensorDesc(c.Buffer, c.DType, new[] { n }, new[] { 1 }, checked(c.StorageOffset + (int)done));
                var bytes = buffer.AsSpan(0, n * sizeof(T));
                c.Backend.Download(desc, MemoryMarshal.Cast<byte, T>(bytes));
                if (!BitConverter.IsLittleEndian) ByteOrder.Reverse(bytes, sizeof(T));
                stream.Write(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Fills the contiguous tensor <paramref name="target"/> from exactly its element count of <paramref name="source"/>
    /// elements read from <paramref name="stream"/>; returns false if the stream ends early.
    /// </summary>
    public static bool Read(Stream stream, SafeTensorsDType source, Tensor target)
    {
        return target.DType switch
        {
            DType.Float32 => ReadChunks<float>(stream, source, target),
            DType.Float64 => ReadChunks<double>(stream, source, target),
            DType.Int32 => ReadChunks<int>(stream, source, target),
            DType.Int64 => ReadChunks<long>(stream, source, target),
            DType.Bool => ReadChunks<byte>(stream, source, target),
            _ => throw new NotSupportedException($"TensorBytes: dtype {target.DType} has no file representation."),
        };
    }

    private static unsafe bool ReadChunks<T>(Stream stream, SafeTensorsDType source, Tensor target) where T : unmanaged
    {
        long numel = target.Numel;
        int per = ChunkBytes / Math.Max(sizeof(T), source.Size);
        var raw = ArrayPool<byte>.Shared.Rent(per * source.Size);
        var converted = ArrayPool<byte>.Shared.Rent(per * sizeof(T));
        try
        {
            for (long done = 0; done < numel; done += per)
            {
                int n = (int)Math.Min(per, numel - done);
                var src = raw.AsSpan(0, n * source.Size);
                if (stream.ReadAtLeast(src, src.Length, throwOnEndOfStream: false) < src.Length) return false;
                var dst = converted.AsSpan(0, n * sizeof(T));
                source.Convert(src, dst);
                var desc = new TensorDesc(target.Buffer, target.DType, new[] { n }, new[] { 1 }, checked(target.StorageOffset + (int)done));
                target.Backend.Upload<T>(MemoryMarshal.Cast<byte, T>(dst), desc);
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(converted);
        }
    }
}
