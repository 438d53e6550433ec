using Strata.NN;
using Strata.Serialization;
using Xunit;
using static Strata.Tests.Serialization.SafeTensorsRoundTripTests;

namespace Strata.Tests.Serialization;

public class ModelWeightsTests
{
    private static Sequential Mlp(ulong seed, int hidden = 4, DType dtype = DType.Float32) => new(
        new Dense(hidden, 3, generator: new Generator(seed), dtype: dtype), new Tanh(), new Dense(2, hidden, generator: new Generator(seed + 1), dtype: dtype));

    [Fact]
    public void SavedWeightsLoadIntoAFreshModelWithPyTorchNames()
    {
        using var dir = new TempDir();
        var path = dir.File("mlp.safetensors");
        var a = Mlp(1);
        ModelWeights.Save(a, path, new Dictionary<string, string> { ["format"] = "pt" });

        using (var file = SafeTensors.Load(path))
        {
            Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, file.Tensors.Keys);
            Assert.Equal(new Shape(4, 3), file["0.weight"].Shape); // PyTorch Linear layout [out, in]
            Assert.Equal("pt", file.Metadata["format"]);
        }

        var b = Mlp(50);
        var x = Tensor.Uniform(new[] { 5, 3 }, -1, 1, new Generator(9));
        Assert.NotEqual(Bits(a.Invoke(x)), Bits(b.Invoke(x)));
        var result = ModelWeights.Load(b, path);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        foreach (var ((na, pa), (nb, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.Equal(na, nb);
            Assert.Equal(Bits(pa.Data), Bits(pb.Data));
        }
        Assert.Equal(Bits(a.Invoke(x)), Bits(b.Invoke(x)));
        Assert.True(b.RequiresGrad); // loading keeps parameters trainable
    }

    [Fact]
    public void MismatchReportsEveryDifferenceAtOnceAndLoadsNothing()
    {
        using var dir = new TempDir();
        var path = dir.File("mlp.safetensors");
        ModelWeights.Save(Mlp(1), path);
        // Different hidden size (shape mismatches), a missing third layer, and float64 where the file has float32.
        var other = new Sequential(new Dense(5, 3, generator: new Generator(2)), new Tanh(),
            new Dense(2, 4, generator: new Generator(3), dtype: DType.Float64), new Dense(1, 2, generator: new Generator(4)));
        var before = other.Parameters().Select(p => Bits(p.Data)).ToList();
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(other, path));
        string m = ex.Message;
        Assert.Contains(path, m);
        Assert.Contains("missing (in the module, not in the weights): '3.weight', '3.bias'", m);
        Assert.Contains("'0.weight': shape mismatch, the module expects [5, 3], the weights have [4, 3]", m);
        Assert.Contains("'0.bias': shape mismatch, the module expects [5], the weights have [4]", m);
        Assert.Contains("'2.weight': dtype mismatch, the module expects float64, the weights have float32", m);
        Assert.Contains("'2.bias': dtype mismatch", m);
        Assert.Contains("6 problems", m);
        Assert.DoesNotContain("unexpected", m);
        Assert.Equal(before, other.Parameters().Select(p => Bits(p.Data)).ToList());
    }

    [Fact]
    public void UnexpectedNamesAreReportedWhenStrict()
    {
        using var dir = new TempDir();
        var path = dir.File("big.safetensors");
        ModelWeights.Save(new Sequential(new Dense(4, 3, generator: new Generator(1)), new Tanh(), new Dense(2, 4, generator: new Generator(2)), new Dense(1, 2, generator: new Generator(3))), path);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(Mlp(7), path));
        Assert.Contains("unexpected (in the weights, not in the module): '3.weight', '3.bias'", ex.Message);
    }

    [Fact]
    public void NonStrictLoadsWhatMatchesAndReturnsTheRest()
    {
        using var dir = new TempDir();
        var path = dir.File("part.safetensors");
        var source = new Sequential(new Dense(4, 3, generator: new Generator(1)), new Tanh(), new Dense(9, 4, generator: new Generator(2)).Eval());
        SafeTensors.Save(path, ModelWeights.Entries(source).Where(e => e.Key.StartsWith("0.")).Append(KeyValuePair.Create("extra", Tensor.Ones(1))));
        var target = Mlp(5);
        var head = Bits(target.NamedParameters().Single(p => p.Name == "2.weight").Parameter.Data);
        var result = ModelWeights.Load(target, path, strict: false);
        Assert.Equal(new[] { "2.weight", "2.bias" }, result.MissingKeys);
        Assert.Equal(new[] { "extra" }, result.UnexpectedKeys);
        Assert.Equal(Bits(source.NamedParameters().First().Parameter.Data), Bits(target.NamedParameters().First().Parameter.Data));
        Assert.Equal(head, Bits(target.NamedParameters().Single(p => p.Name == "2.weight").Parameter.Data));
    }

    [Fact]
    public void NonStrictStillRejectsShapeMismatches()
    {
        using var dir = new TempDir();
        var path = dir.File("mlp.safetensors");
        ModelWeights.Save(Mlp(1, hidden: 6), path);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(Mlp(1), path, strict: false));
        Assert.Contains("'0.weight': shape mismatch, the module expects [4, 3], the weights have [6, 3]", ex.Message);
    }

    [Fact]
    public void UnbuiltLazyModelGetsAHint()
    {
        using var dir = new TempDir();
        var path = dir.File("mlp.safetensors");
        ModelWeights.Save(Mlp(1), path);
        var lazy = new Sequential(new Dense(4), new Tanh(), new Dense(2));
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(lazy, path));
        Assert.Contains("no parameters yet", ex.Message);
        lazy.Invoke(Tensor.Zeros(1, 3));
        ModelWeights.Load(lazy, path);
    }
}
