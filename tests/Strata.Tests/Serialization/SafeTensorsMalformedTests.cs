using System.Buffers.Binary;
using System.Text;
using Strata.Serialization;
using Xunit;

namespace Strata.Tests.Serialization;

/// <summary>Every kind of broken file gives an <see cref="InvalidDataException"/> naming the file, the tensor and the problem.</summary>
public class SafeTensorsMalformedTests
{
    /// <summary>A file with the given header text and <paramref name="dataBytes"/> zero bytes of data.</summary>
    private static byte[] File(string header, int dataBytes, long? claimedHeaderLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(claimedHeaderLength ?? h.Length));
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private static InvalidDataException LoadFails(byte[] content, params string[] fragments)
    {
        using var dir = new TempDir();
        var path = dir.File("broken.safetensors");
        System.IO.File.WriteAllBytes(path, content);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, ex.Message);
        foreach (var f in fragments) Assert.Contains(f, ex.Message);
        // The metadata reader validates the same header.
        var meta = Assert.Throws<InvalidDataException>(() => SafeTensors.ReadMetadata(path));
        Assert.Contains(path, meta.Message);
        return ex;
    }

    private const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    [Fact]
    public void TheGoodHeaderLoads()
    {
        using var dir = new TempDir();
        var path = dir.File("ok.safetensors");
        System.IO.File.WriteAllBytes(path, File(Good, 8));
        using var f = SafeTensors.Load(path);
        Assert.Equal(new[] { 0.0, 0.0 }, f["a"].ToDoubleArray());
    }

    [Fact]
    public void FileTooShortForTheLengthField() => LoadFails(new byte[] { 1, 2, 3 }, "3 bytes", "too short");

    [Fact]
    public void TruncatedHeader()
    {
        var full = File(Good, 8);
        LoadFails(full[..40], "header length", $"{Good.Length}", "only 32 bytes");
    }

    [Fact]
    public void HeaderLengthLargerThanTheFile() => LoadFails(File(Good, 8, claimedHeaderLength: 5000), "5000", "truncated");

    [Fact]
    public void HeaderLengthBeyondTheFormatLimit() => LoadFails(File(Good, 8, claimedHeaderLength: 1L << 40), "limit");

    [Fact]
    public void NotJson() => LoadFails(File("{\"a\": {\"dtype\": \"F32\",, }", 0), "not valid JSON");

    [Fact]
    public void NotAnObject() => LoadFails(File("[1, 2, 3]", 0), "does not start with '{'");

    [Fact]
    public void UnknownDType() => LoadFails(File(Good.Replace("F32", "F31"), 8), "tensor 'a'", "unknown dtype 'F31'", "F32, F64");

    [Fact]
    public void UnsupportedDType() => LoadFails(File(Good.Replace("F32", "U64"), 8), "tensor 'a'", "'U64'", "no Strata equivalent");

    [Fact]
    public void OffsetsPastTheEndOfTheData() => LoadFails(File(Good, 4), "tensor 'a'", "[0, 8]", "past the end", "4-byte");

    [Fact]
    public void TruncatedDataOfAFileStrataWrote()
    {
        using var dir = new TempDir();
        var path = dir.File("t.safetensors");
        SafeTensors.Save(path, new[] { KeyValuePair.Create("first", Tensor.Ones(4)), KeyValuePair.Create("second", Tensor.Ones(4)) });
        var bytes = System.IO.File.ReadAllBytes(path);
        LoadFails(bytes[..^3], "tensor 'second'", "past the end");
    }

    [Fact]
    public void OverlappingTensors() => LoadFails(
        File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
        "tensor 'b'", "overlap tensor 'a'");

    [Fact]
    public void GapBetweenTensors() => LoadFails(
        File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
        "tensor 'b'", "unused");

    [Fact]
    public void ExtraBytesAfterTheTensors() => LoadFails(File(Good, 9), "extra bytes", "9");

    [Fact]
    public void OffsetsInconsistentWithTheShape() => LoadFails(File(Good.Replace("[2]", "[3]"), 8), "tensor 'a'", "8 bytes", "[3]", "needs 12");

    [Fact]
    public void OffsetsInconsistentWithTheDType() => LoadFails(File(Good.Replace("F32", "F64"), 8), "tensor 'a'", "needs 16");

    [Fact]
    public void EndBeforeBegin() => LoadFails(File(Good.Replace("[0,8]", "[8,0]"), 8), "tensor 'a'", "end before");

    [Fact]
    public void DuplicateTensorName() => LoadFails(
        File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        "tensor 'a'", "twice");

    [Fact]
    public void NegativeOrFractionalDimension()
    {
        LoadFails(File(Good.Replace("[2]", "[-2]"), 8), "tensor 'a'", "shape[0] is -2");
        LoadFails(File(Good.Replace("[2]", "[2.5]"), 8), "tensor 'a'", "shape[0] is 2.5");
    }

    [Fact]
    public void MissingOrUnknownField()
    {
        LoadFails(File("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", 0), "tensor 'a'", "missing field 'shape'");
        LoadFails(File(Good.Replace("\"shape\"", "\"shapes\""), 8), "tensor 'a'", "unknown field 'shapes'");
    }

    [Fact]
    public void NonStringMetadata() => LoadFails(File("{\"__metadata__\":{\"epoch\":3}," + Good[1..], 8), "metadata value 'epoch'", "must be strings");

    [Fact]
    public void MissingFileIsReportedByName()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => SafeTensors.Load("/nonexistent/w.safetensors"));
        Assert.Contains("/nonexistent/w.safetensors", ex.Message);
    }
}
