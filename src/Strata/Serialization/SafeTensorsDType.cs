using System.Buffers.Binary;

namespace Strata.Serialization;

/// <summary>
/// A safetensors dtype code ("F32", "BF16", ...) with its element size and the Strata dtype it loads as.
/// Codes Strata stores natively are copied bit for bit; the others are widened exactly (every F16/BF16 value is
/// a float32, every I8/U8/I16/U16 value an int32, every U32 value an int64).
/// </summary>
internal sealed class SafeTensorsDType
{
    private delegate void Widen(ReadOnlySpan<byte> src, Span<byte> dst);

    private readonly Widen? _widen;

    private SafeTensorsDType(string code, int size, DType target, Widen? widen)
    {
        Code = code;
        Size = size;
        Target = target;
        _widen = widen;
    }

    public string Code { get; }

    /// <summary>Bytes per element in the file.</summary>
    public int Size { get; }

    /// <summary>The Strata dtype the tensor has once loaded.</summary>
    public DType Target { get; }

    /// <summary>True when the file's bytes are Strata's bytes (no conversion).</summary>
    public bool IsNative => _widen is null;

    private static readonly SafeTensorsDType[] All =
    {
        new("F32", 4, DType.Float32, null),
        new("F64", 8, DType.Float64, null),
        new("I32", 4, DType.Int32, null),
        new("I64", 8, DType.Int64, null),
        new("BOOL", 1, DType.Bool, null),
        new("F16", 2, DType.Float32, (s, d) => Each<float>(s, d, 2, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b))),
        // bfloat16 is the upper half of a float32.
        new("BF16", 2, DType.Float32, (s, d) => Each<float>(s, d, 2, b => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16))),
        new("I8", 1, DType.Int32, (s, d) => Each<int>(s, d, 1, b => (sbyte)b[0])),
        new("U8", 1, DType.Int32, (s, d) => Each<int>(s, d, 1, b => b[0])),
        new("I16", 2, DType.Int32, (s, d) => Each<int>(s, d, 2, b => BinaryPrimitives.ReadInt16LittleEndian(b))),
        new("U16", 2, DType.Int32, (s, d) => Each<int>(s, d, 2, b => BinaryPrimitives.ReadUInt16LittleEndian(b))),
        new("U32", 4, DType.Int64, (s, d) => Each<long>(s, d, 4, b => BinaryPrimitives.ReadUInt32LittleEndian(b))),
    };

    /// <summary>Codes of the format that Strata knows but cannot represent (reported as such, not as unknown).</summary>
    private static readonly string[] Unsupported = { "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64" };

    public static string SupportedCodes => string.Join(", ", All.Select(d => d.Code));

    public static SafeTensorsDType? FromCode(string code) => All.FirstOrDefault(d => d.Code == code);

    public static bool IsKnownUnsupported(string code) => Unsupported.Contains(code);

    /// <summary>The code Strata writes for <paramref name="dtype"/>.</summary>
    public static SafeTensorsDType For(DType dtype) => All.First(d => d.IsNative && d.Target == dtype);

    /// <summary>Converts <paramref name="src"/> (file elements) to <paramref name="dst"/> (Strata elements, native byte order).</summary>
    public void Convert(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (_widen is not null)
        {
            _widen(src, dst);
            return;
        }
        src.CopyTo(dst);
        if (!BitConverter.IsLittleEndian) ByteOrder.Reverse(dst, Size);
        if (Target == DType.Bool)
            for (int i = 0; i < dst.Length; i++) dst[i] = dst[i] != 0 ? (byte)1 : (byte)0;
    }

    private static void Each<T>(ReadOnlySpan<byte> src, Span<byte> dst, int size, Func<ReadOnlySpan<byte>, T> read) where T : unmanaged
    {
        var d = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(dst);
        for (int i = 0; i < d.Length; i++) d[i] = read(src.Slice(i * size, size));
    }
}
