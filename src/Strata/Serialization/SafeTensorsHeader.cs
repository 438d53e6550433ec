using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Strata.Serialization;

/// <summary>
/// The JSON header of a safetensors file: one entry per tensor (dtype, shape, byte range in the data buffer) and
/// optional string metadata. <see cref="Read"/> validates a header against the file it came from without touching
/// the data; <see cref="Encode"/> produces the padded header bytes for a writer.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The format's own limit (the reference implementation rejects larger headers), which also bounds memory.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";

    internal sealed record Entry(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End);

    public SafeTensorsHeader(List<Entry> entries, Dictionary<string, string>? metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>Entries in header order.</summary>
    public List<Entry> Entries { get; }

    public Dictionary<string, string>? Metadata { get; }

    /// <summary>File position of the data buffer (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of the open file <paramref name="stream"/> (positioned at 0).</summary>
    public static SafeTensorsHeader Read(Stream stream, string file, string op)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Error(op, file, null, $"the file is {fileLength} bytes long, too short for the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw Error(op, file, null, $"the header length field says {headerLength} bytes, more than the format's limit of {MaxHeaderBytes}" +
                (headerLength > (ulong)(fileLength - 8) ? $" and more than the {fileLength - 8} bytes after it (truncated file, or not a safetensors file?)" : ""));
        if ((long)headerLength > fileLength - 8)
            throw Error(op, file, null, $"the header length field says {headerLength} bytes, but only {fileLength - 8} bytes follow it (truncated file?)");
        if (headerLength < 2)
            throw Error(op, file, null, $"the header is {headerLength} bytes long, too short for a JSON object");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        long dataStart = 8 + (long)headerLength;
        return Parse(json, fileLength - dataStart, dataStart, file, op);
    }

    private static SafeTensorsHeader Parse(byte[] json, long dataLength, long dataStart, string file, string op)
    {
        if (json[0] != (byte)'{')
            throw Error(op, file, null, $"the header does not start with '{{' (first byte 0x{json[0]:X2}); not a safetensors file?");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Error(op, file, null, $"the header is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Error(op, file, null, $"the header is a JSON {root.ValueKind}, expected an object");
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            foreach (var prop in root.EnumerateObject())
            {
                if (!names.Add(prop.Name))
                    throw Error(op, file, prop.Name, prop.Name == MetadataKey ? "the header has two metadata objects" : "the name appears twice in the header");
                if (prop.Name == MetadataKey) metadata = ParseMetadata(prop.Value, file, op);
                else entries.Add(ParseEntry(prop.Name, prop.Value, file, op));
            }
            CheckLayout(entries, dataLength, file, op);
            return new SafeTensorsHeader(entries, metadata, dataStart);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string file, string op)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(op, file, null, $"'{MetadataKey}' is a JSON {value.ValueKind}, expected an object of strings");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw Error(op, file, null, $"metadata value '{p.Name}' is a JSON {p.Value.ValueKind}; safetensors metadata values must be strings");
            if (!metadata.TryAdd(p.Name, p.Value.GetString()!))
                throw Error(op, file, null, $"metadata key '{p.Name}' appears twice");
        }
        return metadata;
    }

    private static Entry ParseEntry(string name, JsonElement value, string file, string op)
    {
        if (name.Length == 0) throw Error(op, file, name, "tensor names must not be empty");
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(op, file, name, $"the entry is a JSON {value.ValueKind}, expected an object with dtype, shape and data_offsets");
        JsonElement? dtypeEl = null, shapeEl = null, offsetsEl = null;
        foreach (var p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype" when dtypeEl is null: dtypeEl = p.Value; break;
                case "shape" when shapeEl is null: shapeEl = p.Value; break;
                case "data_offsets" when offsetsEl is null: offsetsEl = p.Value; break;
                case "dtype" or "shape" or "data_offsets": throw Error(op, file, name, $"the field '{p.Name}' appears twice");
                default: throw Error(op, file, name, $"unknown field '{p.Name}' (expected dtype, shape, data_offsets)");
            }
        }
        if (dtypeEl is null || shapeEl is null || offsetsEl is null)
            throw Error(op, file, name, $"missing field '{(dtypeEl is null ? "dtype" : shapeEl is null ? "shape" : "data_offsets")}'");

        if (dtypeEl.Value.ValueKind != JsonValueKind.String)
            throw Error(op, file, name, $"dtype is a JSON {dtypeEl.Value.ValueKind}, expected a string such as \"F32\"");
        string code = dtypeEl.Value.GetString()!;
        var dtype = SafeTensorsDType.FromCode(code) ?? throw Error(op, file, name,
            SafeTensorsDType.IsKnownUnsupported(code)
                ? $"dtype '{code}' has no Strata equivalent (supported: {SafeTensorsDType.SupportedCodes})"
                : $"unknown dtype '{code}' (supported: {SafeTensorsDType.SupportedCodes})");

        var shape = IntegerArray(shapeEl.Value, "shape", name, file, op);
        var dims = new int[shape.Length];
        long numel = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] > int.MaxValue)
                throw Error(op, file, name, $"dimension {i} has size {shape[i]}, more than Strata's limit of {int.MaxValue}");
            dims[i] = (int)shape[i];
            numel = numel == 0 || shape[i] == 0 ? 0 : numel <= int.MaxValue / shape[i] ? numel * shape[i] : long.MaxValue;
        }
        if (numel > int.MaxValue)
            throw Error(op, file, name, $"shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements");

        var offsets = IntegerArray(offsetsEl.Value, "data_offsets", name, file, op);
        if (offsets.Length != 2)
            throw Error(op, file, name, $"data_offsets has {offsets.Length} values, expected [begin, end]");
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw Error(op, file, name, $"data_offsets [{begin}, {end}] end before they begin");
        long expected = numel * dtype.Size;
        if (end - begin != expected)
            throw Error(op, file, name, $"data_offsets [{begin}, {end}] span {end - begin} bytes, but shape [{string.Join(", ", shape)}] of {code} needs {expected}");
        return new Entry(name, dtype, dims, begin, end);
    }

    private static long[] IntegerArray(JsonElement el, string field, string name, string file, string op)
    {
        if (el.ValueKind != JsonValueKind.Array)
            throw Error(op, file, name, $"{field} is a JSON {el.ValueKind}, expected an array of non-negative integers");
        var values = new long[el.GetArrayLength()];
        int i = 0;
        foreach (var v in el.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x) || x < 0)
                throw Error(op, file, name, $"{field}[{i}] is {v.GetRawText()}, expected a non-negative integer");
            values[i++] = x;
        }
        return values;
    }

    /// <summary>The tensors must tile the data buffer exactly: no gap, no overlap, nothing past its end.</summary>
    private static void CheckLayout(List<Entry> entries, long dataLength, string file, string op)
    {
        var byBegin = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long position = 0;
        Entry? previous = null;
        foreach (var e in byBegin)
        {
            if (e.End > dataLength)
                throw Error(op, file, e.Name, $"data_offsets [{e.Begin}, {e.End}] run past the end of the {dataLength}-byte data buffer (truncated file?)");
            if (e.Begin < position)
                throw Error(op, file, e.Name, $"data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            if (e.Begin > position)
                throw Error(op, file, e.Name, $"data_offsets [{e.Begin}, {e.End}] leave bytes [{position}, {e.Begin}) of the data buffer unused");
            position = e.End;
            previous = e;
        }
        if (position != dataLength)
            throw Error(op, file, null, $"the tensors cover {position} bytes but the data buffer has {dataLength} (extra bytes at the end of the file)");
    }

    /// <summary>Header bytes (without the length prefix), padded with spaces to a multiple of 8 so the data starts 8-byte aligned.</summary>
    public static byte[] Encode(IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        // Relaxed escaping keeps non-ASCII metadata readable; the output is still plain, valid JSON.
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is not null)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DType.Code);
                w.WriteStartArray("shape");
                foreach (var d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(e.Begin);
                w.WriteNumberValue(e.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int padded = (int)((ms.Length + 7) / 8 * 8);
        while (ms.Length < padded) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }

    public static InvalidDataException Error(string op, string file, string? tensor, string problem) =>
        new($"{op}: '{file}'{(tensor is null ? "" : $", tensor '{tensor}'")}: {problem}.");
}
