using System.Buffers.Binary;

namespace Strata.Serialization;

/// <summary>
/// Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header
/// (<c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>, padded with
/// spaces to a multiple of 8 bytes) and the raw little-endian tensor data. The format holds only data, so loading a
/// file never runs code from it.
/// </summary>
/// <remarks>
/// Strata writes F32, F64, I32, I64 and BOOL. It reads those bit for bit and also widens, exactly: F16 and BF16 to
/// float32, I8, U8, I16 and U16 to int32, U32 to int64. Other codes (U64, F8 variants) are rejected by name.
/// </remarks>
public static class SafeTensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (in the order given) and optional <paramref name="metadata"/> to
    /// <paramref name="path"/>, atomically. Non-contiguous tensors are written in row-major order.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, duplicated or reserved ("__metadata__"), or a tensor was released.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var items = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<SafeTensorsHeader.Entry>(items.Count);
        long offset = 0;
        foreach (var (name, tensor) in items)
        {
            string where = $"SafeTensors.Save: '{path}', tensor '{name}'";
            if (string.IsNullOrEmpty(name)) throw new ArgumentException($"SafeTensors.Save: '{path}': tensor names must not be empty.", nameof(tensors));
            if (name == SafeTensorsHeader.MetadataKey) throw new ArgumentException($"{where}: the name is reserved for the metadata.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"{where}: the name is given twice.", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"{where}: the tensor is null.", nameof(tensors));
            if (tensor.IsDisposed) throw new ArgumentException($"{where}: the {tensor.DType.Name()} tensor of shape {tensor.Shape} was released before saving.", nameof(tensors));
            var dtype = SafeTensorsDType.For(tensor.DType);
            long bytes = tensor.Numel * dtype.Size;
            entries.Add(new SafeTensorsHeader.Entry(name, dtype, tensor.Shape.ToArray(), offset, offset + bytes));
            offset += bytes;
        }
        if (metadata is not null)
            foreach (var (k, v) in metadata)
                if (v is null) throw new ArgumentException($"SafeTensors.Save: '{path}': metadata value '{k}' is null; safetensors metadata values are strings.", nameof(metadata));

        var header = SafeTensorsHeader.Encode(entries, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, tensor) in items) TensorBytes.Write(tensor, stream);
        });
    }

    /// <summary>
    /// Reads every tensor and the metadata of a safetensors file, after validating its whole layout (header length,
    /// JSON, dtypes, shapes against byte ranges, ranges tiling the data exactly, unique names).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file, the tensor and the problem.</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = Open(path, "SafeTensors.Load");
        var header = SafeTensorsHeader.Read(stream, path, "SafeTensors.Load");
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var fileDTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new SafeTensorsFile(path, tensors, fileDTypes, header.Metadata ?? new Dictionary<string, string>());
        try
        {
            foreach (var e in header.Entries)
            {
                var t = Tensor.Empty("SafeTensors.Load", e.Shape, e.DType.Target, Device.Cpu);
                // The caller owns loaded tensors, like parameters: they must outlive whatever scope is open.
                TensorScope.Current?.Keep(t);
                tensors.Add(e.Name, t);
                fileDTypes.Add(e.Name, e.DType.Code);
                stream.Position = header.DataStart + e.Begin;
                if (!TensorBytes.Read(stream, e.DType, t))
                    throw SafeTensorsHeader.Error("SafeTensors.Load", path, e.Name, "the file ended while reading the tensor's data (was it truncated while being read?)");
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>The file's <c>__metadata__</c> (empty when it has none), read from the validated header without loading any tensor.</summary>
    /// <exception cref="InvalidDataException">The header is malformed.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = Open(path, "SafeTensors.ReadMetadata");
        var header = SafeTensorsHeader.Read(stream, path, "SafeTensors.ReadMetadata");
        return header.Metadata ?? new Dictionary<string, string>();
    }

    private static FileStream Open(string path, string op)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{op}: '{path}' does not exist.", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }
}
