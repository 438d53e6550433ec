using System.Buffers.Binary;
using System.Text.Json;
using Strata.Serialization;
using Xunit;
using static Strata.Tests.Serialization.SafeTensorsRoundTripTests;

namespace Strata.Tests.Serialization;

/// <summary>
/// Files exchanged with PyTorch 1.13 through tests/reference/safetensors_interop.py: torch_written.* are written by
/// the script and read here; strata_written.safetensors is written by Strata (<see cref="StrataWrittenTensors"/>) and
/// checked by the script's --check mode (log: tests/reference/safetensors_interop.log).
/// </summary>
public class SafeTensorsInteropTests
{
    private static readonly Dictionary<string, DType> LoadsAs = new()
    {
        ["F32"] = DType.Float32, ["F64"] = DType.Float64, ["I32"] = DType.Int32, ["I64"] = DType.Int64, ["BOOL"] = DType.Bool,
        ["F16"] = DType.Float32, ["BF16"] = DType.Float32, ["I8"] = DType.Int32, ["U8"] = DType.Int32, ["I16"] = DType.Int32,
    };

    private static readonly string[] Native = { "F32", "F64", "I32", "I64", "BOOL" };

    /// <summary>Mirror of strata_expected() in safetensors_interop.py: same names, order and values.</summary>
    internal static List<KeyValuePair<string, Tensor>> StrataWrittenTensors() => new()
    {
        new("weight", Tensor.FromArray(new[] { 0.1f, -2.5f, 3.14159f, 1e-8f, -0.0f, float.PositiveInfinity }, 2, 3)),
        new("transposed", Tensor.FromArray(new[] { -1, -0.5, 0, 0.5, 1, 1.5 }, 2, 3).T),
        new("ids", Tensor.FromArray(new[] { (1L << 53) + 1, -1L, long.MinValue })),
        new("counts", Tensor.FromArray(new[] { 1, 2, 3, int.MaxValue }, 2, 2)),
        new("mask", Tensor.FromArray(new[] { true, false, false, true, true })),
        new("scalar", Tensor.Scalar(7.25)),
        new("empty", Tensor.Zeros(new[] { 2, 0 }, DType.Float64)),
    };

    internal static readonly Dictionary<string, string> StrataWrittenMetadata = new() { ["format"] = "pt", ["epoch"] = "3", ["note"] = "héllo \"world\"" };

    private static JsonElement Expected() => JsonDocument.Parse(File.ReadAllText(TempDir.Fixture("torch_written.json"))).RootElement;

    [Fact]
    public void LoadsTheFilePyTorchWroteBitForBit()
    {
        var expected = Expected();
        using var file = SafeTensors.Load(TempDir.Fixture("torch_written.safetensors"));
        Assert.Equal(expected.GetProperty("order").EnumerateArray().Select(e => e.GetString()), file.Tensors.Keys);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.StartsWith("torch 1.13", file.Metadata["source"]);
        foreach (var prop in expected.GetProperty("tensors").EnumerateObject())
        {
            var want = prop.Value;
            string code = want.GetProperty("dtype").GetString()!;
            var got = file[prop.Name];
            Assert.Equal(code, file.FileDTypes[prop.Name]);
            Assert.Equal(LoadsAs[code], got.DType);
            Assert.Equal(want.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(), got.Shape.ToArray());
            if (Native.Contains(code))
                Assert.True(Convert.FromHexString(want.GetProperty("hex").GetString()!).AsSpan().SequenceEqual(Bits(got)), $"{prop.Name}: bytes differ from torch's");
            AssertValues(prop.Name, want.GetProperty("values"), got);
        }
    }

    /// <summary>Widened dtypes (F16, BF16, I8, ...) must give torch's values exactly; native ones are checked by bytes too.</summary>
    private static void AssertValues(string name, JsonElement values, Tensor got)
    {
        var list = values.EnumerateArray().ToList();
        Assert.Equal(list.Count, got.Numel);
        if (got.DType is DType.Int32 or DType.Int64)
        {
            Assert.Equal(list.Select(v => v.GetInt64()), got.ToArray<long>());
            return;
        }
        var actual = got.ToDoubleArray();
        for (int i = 0; i < list.Count; i++)
        {
            double want = list[i].ValueKind switch
            {
                JsonValueKind.String => list[i].GetString() switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => double.NaN },
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ => list[i].GetDouble(),
            };
            Assert.True(want.Equals(actual[i]), $"{name}[{i}]: torch has {want:R}, Strata loaded {actual[i]:R}");
        }
    }

    [Fact]
    public void ResavingTorchsTensorsReproducesTorchsBytes()
    {
        var expected = Expected().GetProperty("tensors");
        using var dir = new TempDir();
        var path = dir.File("resaved.safetensors");
        using (var file = SafeTensors.Load(TempDir.Fixture("torch_written.safetensors")))
            SafeTensors.Save(path, file.Tensors.Where(kv => Native.Contains(file.FileDTypes[kv.Key])));

        // Read our file with a parser independent of SafeTensors.Load.
        var bytes = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, n));
        int checkedCount = 0;
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var data = bytes.AsSpan(8 + n + offsets[0], offsets[1] - offsets[0]);
            var want = expected.GetProperty(entry.Name);
            Assert.Equal(want.GetProperty("dtype").GetString(), entry.Value.GetProperty("dtype").GetString());
            Assert.True(Convert.FromHexString(want.GetProperty("hex").GetString()!).AsSpan().SequenceEqual(data), $"{entry.Name}: bytes differ from torch's");
            checkedCount++;
        }
        Assert.Equal(8, checkedCount);
    }

    [Fact]
    public void TheCommittedStrataFileIsWhatSaveWritesToday()
    {
        using var dir = new TempDir();
        var path = dir.File("strata_written.safetensors");
        SafeTensors.Save(path, StrataWrittenTensors(), StrataWrittenMetadata);
        var fixture = TempDir.Fixture("strata_written.safetensors");
        Assert.True(File.Exists(fixture), $"missing fixture {fixture}");
        Assert.True(File.ReadAllBytes(fixture).AsSpan().SequenceEqual(File.ReadAllBytes(path)),
            $"{path} differs from the committed fixture checked by safetensors_interop.py --check; re-run the check and commit both if the change is intended.");
    }
}
