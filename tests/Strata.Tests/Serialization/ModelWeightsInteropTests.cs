using System.Text.Json;
using Strata.NN;
using Strata.Serialization;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Serialization;

/// <summary>
/// Strata's weights file loads into the equivalent PyTorch model: strata_mlp.safetensors (written by
/// <see cref="ModelWeights.Save"/>) was loaded by <c>safetensors_interop.py --check-model</c> into
/// nn.Sequential(Linear(3, 4), Tanh(), Linear(4, 2)) with a strict load_state_dict; its output is in strata_mlp_torch_output.json.
/// </summary>
public class ModelWeightsInteropTests
{
    private static Sequential Mlp() => new(new Dense(4, generator: new Generator(11)), new Tanh(), new Dense(2, generator: new Generator(12)));

    [Fact]
    public void TheCommittedWeightsFileIsWhatSaveWritesToday()
    {
        var model = Mlp();
        model.Invoke(Tensor.Zeros(1, 3));
        using var dir = new TempDir();
        var path = dir.File("strata_mlp.safetensors");
        ModelWeights.Save(model, path);
        Assert.True(File.ReadAllBytes(TempDir.Fixture("strata_mlp.safetensors")).AsSpan().SequenceEqual(File.ReadAllBytes(path)),
            $"{path} differs from the committed fixture; re-run safetensors_interop.py --check-model and commit both if intended.");
    }

    [Fact]
    public void StrataAndPyTorchComputeTheSameOutputFromTheSameFile()
    {
        var model = Mlp();
        model.Invoke(Tensor.Zeros(1, 3));
        ModelWeights.Load(model, TempDir.Fixture("strata_mlp.safetensors"));
        using var doc = JsonDocument.Parse(File.ReadAllText(TempDir.Fixture("strata_mlp_torch_output.json")));
        double[][] Rows(string name) => doc.RootElement.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var x = Rows("x");
        var y = Rows("y");
        var input = Tensor.FromArray(x.SelectMany(r => r).Select(v => (float)v).ToArray(), x.Length, 3);
        AssertClose(y.SelectMany(r => r).ToArray(), model.Invoke(input).ToDoubleArray(), rtol: 1e-6, atol: 1e-6);
    }
}
