using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Strata.Serialization;
using Xunit;

namespace Strata.Tests.Serialization;

public class SafeTensorsRoundTripTests
{
    /// <summary>The tensor's elements in row-major order as little-endian bytes (bools as 0/1), whatever its strides.</summary>
    internal static byte[] Bits(Tensor t) => t.DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes<float>(t.ToArray<float>()).ToArray(),
        DType.Float64 => MemoryMarshal.AsBytes<double>(t.ToArray<double>()).ToArray(),
        DType.Int32 => MemoryMarshal.AsBytes<int>(t.ToArray<int>()).ToArray(),
        DType.Int64 => MemoryMarshal.AsBytes<long>(t.ToArray<long>()).ToArray(),
        DType.Bool => t.ToArray<bool>().Select(b => b ? (byte)1 : (byte)0).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    private static List<KeyValuePair<string, Tensor>> EveryKind()
    {
        var m = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        return new()
        {
            new("f32", Tensor.FromArray(new[] { 0.1f, -0.0f, float.PositiveInfinity, float.NaN, float.Epsilon, -3e38f }, 3, 2)),
            new("f64", Tensor.FromArray(new[] { Math.PI, -0.0, double.NegativeInfinity, double.Epsilon }, 2, 2)),
            new("i32", Tensor.FromArray(new[] { int.MinValue, -1, 0, int.MaxValue })),
            new("i64", Tensor.FromArray(new[] { long.MinValue, (1L << 53) + 1, long.MaxValue }, 3, 1)),
            new("bool", Tensor.FromArray(new[] { true, false, true })),
            new("scalar_f32", Tensor.Scalar(2.5)),
            new("scalar_i64", Tensor.Scalar(-7, DType.Int64)),
            new("empty_f64", Tensor.Zeros(new[] { 0, 4 }, DType.Float64)),
            new("empty_bool", Tensor.Zeros(new[] { 3, 0 }, DType.Bool)),
            new("transposed", m.T),
            new("sliced_i32", Tensor.Arange(12, DType.Int32).Reshape(3, 4).T.Narrow(0, 1, 2)),
        };
    }

    [Fact]
    public void EveryDTypeShapeAndLayoutRoundTripsBitForBit()
    {
        using var dir = new TempDir();
        var path = dir.File("all.safetensors");
        var tensors = EveryKind();
        Assert.False(tensors.Single(t => t.Key == "transposed").Value.IsContiguous);
        Assert.False(tensors.Single(t => t.Key == "sliced_i32").Value.IsContiguous);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["arch"] = "{\"layers\": [\"Dense\"]}", ["unicode"] = "日本 é" };
        SafeTensors.Save(path, tensors, metadata);

        using var file = SafeTensors.Load(path);
        Assert.Equal(tensors.Select(t => t.Key), file.Tensors.Keys);
        foreach (var (name, want) in tensors)
        {
            var got = file[name];
            Assert.Equal(want.DType, got.DType);
            Assert.Equal(want.Shape, got.Shape);
            Assert.True(got.IsContiguous);
            Assert.Equal(Bits(want), Bits(got));
            Assert.Equal(SafeTensorsDType.For(want.DType).Code, file.FileDTypes[name]);
        }
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(metadata, SafeTensors.ReadMetadata(path));
    }

    [Fact]
    public void ExactBytesOfASmallFile()
    {
        using var dir = new TempDir();
        var path = dir.File("small.safetensors");
        SafeTensors.Save(path, new[] { KeyValuePair.Create("a", Tensor.FromArray(new[] { 1f, -2f })) });
        // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes, padded with 2 spaces to 56.
        const string json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
        var expected = new List<byte> { 56, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(json));
        expected.AddRange(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0 }); // 1f, -2f little-endian
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("w")]
    [InlineData("weight")]
    [InlineData("a_rather_longer_name.with.dots")]
    [InlineData("x1234567")]
    public void HeaderIsPaddedWithSpacesToEightByteAlignment(string name)
    {
        using var dir = new TempDir();
        var path = dir.File("pad.safetensors");
        SafeTensors.Save(path, new[] { KeyValuePair.Create(name, Tensor.Zeros(new[] { 3 }, DType.Float64)) }, new Dictionary<string, string> { ["k"] = name });
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 24, bytes.Length);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        var trimmed = header.TrimEnd(' ');
        Assert.EndsWith("}", trimmed);
        Assert.True(header.Length - trimmed.Length < 8);
        Assert.StartsWith("{\"__metadata__\":{\"k\":", header);
    }

    [Fact]
    public void TensorsLargerThanOneChunkRoundTrip()
    {
        using var dir = new TempDir();
        var path = dir.File("big.safetensors");
        var big = Tensor.Randn(new[] { 700, 500 }, new Generator(7), DType.Float64); // 2.8 MB, three chunks
        SafeTensors.Save(path, new[] { KeyValuePair.Create("big", big.T) });
        using var file = SafeTensors.Load(path);
        Assert.Equal(new Shape(500, 700), file["big"].Shape);
        Assert.Equal(Bits(big.T), Bits(file["big"]));
    }

    [Fact]
    public void LoadedTensorsOutliveTheScopeTheyWereLoadedIn()
    {
        using var dir = new TempDir();
        var path = dir.File("s.safetensors");
        SafeTensors.Save(path, new[] { KeyValuePair.Create("x", Tensor.FromArray(new[] { 3.0, 4.0 })) });
        SafeTensorsFile file;
        using (var scope = Tensor.Scope()) file = SafeTensors.Load(path);
        Assert.Equal(new[] { 3.0, 4.0 }, file["x"].ToDoubleArray());
        var kept = file.Detach("x");
        file.Dispose();
        Assert.False(kept.IsDisposed);
        Assert.Equal(new[] { 3.0, 4.0 }, kept.ToDoubleArray());
        kept.Dispose();
    }

    [Fact]
    public void NoMetadataReadsAsEmpty()
    {
        using var dir = new TempDir();
        var path = dir.File("m.safetensors");
        SafeTensors.Save(path, new[] { KeyValuePair.Create("x", Tensor.Ones(2)) });
        Assert.Empty(SafeTensors.ReadMetadata(path));
        using var file = SafeTensors.Load(path);
        Assert.Empty(file.Metadata);
        var ex = Assert.Throws<KeyNotFoundException>(() => file["y"]);
        Assert.Contains("'x'", ex.Message);
    }

    [Fact]
    public void SaveRejectsDuplicateReservedAndReleasedTensors()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.safetensors");
        var a = Tensor.Ones(2);
        var dup = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, new[] { KeyValuePair.Create("w", a), KeyValuePair.Create("w", a) }));
        Assert.Contains("'w'", dup.Message);
        Assert.Contains("twice", dup.Message);
        var reserved = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, new[] { KeyValuePair.Create("__metadata__", a) }));
        Assert.Contains("reserved", reserved.Message);
        var released = Tensor.Ones(3);
        released.Dispose();
        var rel = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, new[] { KeyValuePair.Create("gone", released) }));
        Assert.Contains("'gone'", rel.Message);
        Assert.Contains("released", rel.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
