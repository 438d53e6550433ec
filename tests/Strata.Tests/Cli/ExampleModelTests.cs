using Strata.NN;
using Strata.Serialization;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;

namespace Strata.Tests.Cli;

/// <summary>The architecture files in examples/models that the README gives to `strata train --model`.</summary>
public class ExampleModelTests
{
    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(Path.Combine(RepoRoot(), "examples", "models"), "*.json").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Files))]
    public void LoadsBuildsAndGivesOneScorePerClass(string file)
    {
        using var scope = Tensor.Scope();
        var model = Assert.IsAssignableFrom<Strata.Training.Model>(ModelJson.FromJson(File.ReadAllText(Path.Combine(RepoRoot(), "examples", "models", file))));
        bool text = model.Children().First() is Embedding;
        var x = text ? Tensor.FromArray(new long[] { 5, 9, 2, 0, 0, 7, 1, 0, 0, 0 }, 2, 5) : Tensor.Rand(new[] { 2, 1, 28, 28 });
        model.Eval();
        var y = model.Invoke(x);
        Assert.Equal(new[] { 2, text ? 6 : 10 }, y.Shape.ToArray());
        Assert.All(y.Sum(-1).ToArray<float>(), s => Assert.Equal(1f, s, 4));
    }
}
