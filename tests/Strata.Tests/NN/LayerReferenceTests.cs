using System.Text.Json;
using Strata;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>
/// Layer modules against PyTorch 1.13, from reference/layers_reference.json (written by
/// tests/reference/make_layers_reference.py). The PyTorch state dict is loaded with <see cref="Module.LoadStateDict"/>, then
/// each step (train or eval) compares the output, the gradients of sum(out * w) for the input and every parameter, and
/// the state dict afterwards (BatchNorm running statistics, num_batches_tracked). Every case runs in float64 (the reference
/// precision, tight tolerance) and in float32 (float32 rounding tolerance; Embedding then gets int32 indices).
/// </summary>
public class LayerReferenceTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "layers_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    });

    public static IEnumerable<object[]> CaseNames() =>
        Cases.Value.Keys.SelectMany(k => new[] { new object[] { k, DType.Float64 }, new object[] { k, DType.Float32 } });

    // The constructor arguments of each case, as the Python script builds it. Some layers are left lazy (no input size)
    // and built by Summary from the first step's per-sample shape, so lazy building is covered too.
    private static Module Create(string name, DType d) => name switch
    {
        "conv1d_basic" => new Conv1D(4, 3, dtype: d),
        "conv1d_stride_pad_dil_groups" => new Conv1D(6, 3, stride: 2, padding: 2, dilation: 2, groups: 2, inChannels: 4, dtype: d),
        "conv1d_nobias" => new Conv1D(3, 2, padding: 1, useBias: false, inChannels: 2, dtype: d),
        "conv2d_transpose_basic" => new Conv2DTranspose(4, 3, dtype: d),
        "conv2d_transpose_stride_outpad" => new Conv2DTranspose(2, (3, 2), stride: 2, padding: 1, outputPadding: 1, inChannels: 3, dtype: d),
        "conv2d_transpose_groups_dil_nobias" => new Conv2DTranspose(6, 2, stride: (2, 1), padding: (0, 1), dilation: 2, groups: 2, useBias: false, inChannels: 4, dtype: d),
        "batchnorm1d_2d_input" => new BatchNorm1D(3, dtype: d),
        "batchnorm1d_3d_input" => new BatchNorm1D(4, eps: 1e-3, momentum: 0.3, dtype: d),
        "batchnorm1d_cumulative_noaffine" => new BatchNorm1D(2, momentum: null, affine: false, dtype: d),
        "batchnorm2d" => new BatchNorm2D(dtype: d),
        "layernorm_last_dim" => new LayerNorm(dtype: d),
        "layernorm_two_dims" => new LayerNorm([3, 4], eps: 1e-3, dtype: d),
        "layernorm_no_affine" => new LayerNorm([6], elementwiseAffine: false, dtype: d),
        "embedding_basic" => new Embedding(7, 3, dtype: d),
        "embedding_padding" => new Embedding(5, 4, paddingIdx: 2, dtype: d),
        _ => throw new ArgumentException($"no constructor for case {name}"),
    };

    [Fact]
    public void ReferenceCoversEveryNewLayer()
    {
        var layers = Cases.Value.Values.Select(c => c.GetProperty("layer").GetString()).ToHashSet();
        Assert.Equal(new[] { "BatchNorm1D", "BatchNorm2D", "Conv1D", "Conv2DTranspose", "Embedding", "LayerNorm" }, layers.Order());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name, DType dtype)
    {
        var c = Cases.Value[name];
        var (rtol, atol) = dtype == DType.Float64 ? (1e-8, 1e-9) : (1e-4, 2e-5);
        using var scope = Tensor.Scope();
        var layer = Create(name, dtype);
        var steps = c.GetProperty("steps").EnumerateArray().ToList();
        if (!layer.IsBuilt)
        {
            var firstX = steps[0].GetProperty("x");
            layer.Summary(Ints(firstX.GetProperty("shape")).Skip(1).ToArray());
            Assert.True(layer.IsBuilt);
        }
        layer.LoadStateDict(State(c.GetProperty("state"), dtype));

        foreach (var (step, i) in steps.Select((s, i) => (s, i)))
        {
            string at = $"{name} ({dtype.Name()}) step {i}";
            if (step.GetProperty("mode").GetString() == "train") layer.Train(); else layer.Eval();
            layer.ZeroGrad();
            var xSpec = step.GetProperty("x");
            var x = Load(xSpec, dtype);
            if (x.DType == DType.Int64 && dtype == DType.Float32) x = x.To(DType.Int32);
            bool floatInput = x.DType.IsFloating();
            if (floatInput) x.RequiresGrad = true;
            var y = layer.Invoke(x);
            Compare($"{at}: out", step.GetProperty("out"), y, rtol, atol);

            var w = Load(step.GetProperty("w"), dtype);
            (y * w).Sum().Backward();
            var grads = step.GetProperty("grads");
            foreach (var (pname, p) in layer.NamedParameters())
            {
                Assert.True(grads.TryGetProperty(pname, out var g), $"{at}: the reference has no gradient for {pname}");
                Assert.True(p.Grad is not null, $"{at}: no gradient for {pname}");
                Compare($"{at}: grad {pname}", g, p.Grad!, rtol, atol);
            }
            if (floatInput) Compare($"{at}: grad x", grads.GetProperty("x"), x.Grad!, rtol, atol);
            else Assert.False(grads.TryGetProperty("x", out _));

            var state = layer.StateDict();
            var expected = step.GetProperty("state");
            Assert.Equal(expected.EnumerateObject().Select(e => e.Name), state.Keys);
            foreach (var e in expected.EnumerateObject())
                Compare($"{at}: state {e.Name}", e.Value, state[e.Name], rtol, atol);
        }
    }

    private static Dictionary<string, Tensor> State(JsonElement state, DType dtype) =>
        state.EnumerateObject().ToDictionary(e => e.Name, e => Load(e.Value, dtype));

    // Floating values become `dtype`; int64 stays int64, except token ids in the float32 run, which exercise int32 input.
    private static Tensor Load(JsonElement spec, DType dtype)
    {
        var shape = Ints(spec.GetProperty("shape"));
        var data = spec.GetProperty("data");
        if (spec.GetProperty("dtype").GetString() == "int64")
        {
            var longs = data.EnumerateArray().Select(e => e.GetInt64()).ToArray();
            return Tensor.FromArray(longs).Reshape(shape);
        }
        var doubles = data.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        // FromArray reads an empty shape as "flat", so 0-d values are reshaped explicitly.
        var t = dtype == DType.Float64 ? Tensor.FromArray(doubles) : Tensor.FromArray(doubles.Select(v => (float)v).ToArray());
        return t.Reshape(shape);
    }

    private static void Compare(string what, JsonElement spec, Tensor actual, double rtol, double atol)
    {
        Assert.True(Ints(spec.GetProperty("shape")).SequenceEqual(actual.Shape.ToArray()),
            $"{what}: expected shape [{string.Join(", ", Ints(spec.GetProperty("shape")))}], got {actual.Shape}");
        if (spec.GetProperty("dtype").GetString() == "int64")
        {
            Assert.Equal(DType.Int64, actual.DType);
            Assert.Equal(spec.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()), actual.ToArray<long>());
            return;
        }
        var expected = spec.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var got = actual.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"{what}: element {i} expected {expected[i]:G10}, got {got[i]:G10}");
    }

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
