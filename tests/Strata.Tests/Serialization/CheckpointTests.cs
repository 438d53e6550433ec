using Strata.NN;
using Strata.Optim;
using Strata.Serialization;
using Xunit;
using static Strata.Tests.Serialization.SafeTensorsRoundTripTests;

namespace Strata.Tests.Serialization;

public class CheckpointTests
{
    private static Sequential Mlp(ulong seed) => new(
        new Dense(5, 3, generator: new Generator(seed)), new Tanh(), new Dense(2, 5, generator: new Generator(seed + 1)));

    private static readonly Tensor X = KeepOut(Tensor.Uniform(new[] { 8, 3 }, -1, 1, new Generator(100)));
    private static readonly Tensor Y = KeepOut(Tensor.Uniform(new[] { 8, 2 }, -1, 1, new Generator(101)));

    private static Tensor KeepOut(Tensor t)
    {
        TensorScope.Current?.Keep(t);
        return t;
    }

    private static void Train(Module model, Optimizer opt, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            using var scope = Tensor.Scope();
            opt.ZeroGrad();
            var loss = (model.Invoke(X) - Y).Square().Mean();
            loss.Backward();
            opt.Step();
        }
    }

    [Fact]
    public void AdamContinuedAfterSaveAndLoadMatchesAnUninterruptedRunBitForBit()
    {
        using var dir = new TempDir();
        var path = dir.File("ckpt.safetensors");

        var model = Mlp(1);
        var adam = new Adam(model.Parameters(), lr: 0.05, amsgrad: true);
        Train(model, adam, 3);
        CheckpointFile.Save(path, model, adam, new Dictionary<string, string> { ["epoch"] = "3", ["architecture"] = "{\"class_name\": \"Sequential\"}" });
        Train(model, adam, 4);

        var resumed = Mlp(42);
        var resumedAdam = new Adam(resumed.Parameters(), lr: 0.5, amsgrad: true);
        using (var ckpt = CheckpointFile.Load(path))
        {
            Assert.Equal("3", ckpt.Metadata["epoch"]);
            Assert.Equal("{\"class_name\": \"Sequential\"}", ckpt.Metadata["architecture"]);
            Assert.Equal("Adam", ckpt.OptimizerType);
            Assert.Equal(0.05, ckpt.LearningRate);
            ckpt.RestoreModel(resumed);
            ckpt.RestoreOptimizer(resumedAdam);
        }
        Assert.Equal(0.05, resumedAdam.LearningRate);
        Train(resumed, resumedAdam, 4);

        foreach (var ((name, p), (_, q)) in model.NamedParameters().Zip(resumed.NamedParameters()))
            Assert.True(Bits(p.Data).AsSpan().SequenceEqual(Bits(q.Data)), $"{name} differs after resuming");
        var state = adam.StateDict();
        var resumedState = resumedAdam.StateDict();
        Assert.Equal(state.Keys.Order(), resumedState.Keys.Order());
        foreach (var (k, v) in state) Assert.Equal(Bits(v), Bits(resumedState[k]));
    }

    [Fact]
    public void PlainSafetensorsReadersSeeUnprefixedWeightsAndPrefixedOptimizerState()
    {
        using var dir = new TempDir();
        var path = dir.File("ckpt.safetensors");
        var model = Mlp(1);
        var adam = new Adam(model.Parameters());
        Train(model, adam, 1);
        CheckpointFile.Save(path, model, adam, new Dictionary<string, string> { ["epoch"] = "1" });

        using var file = SafeTensors.Load(path);
        Assert.Equal(new[]
        {
            "0.weight", "0.bias", "2.weight", "2.bias",
            "optimizer.0.exp_avg", "optimizer.0.exp_avg_sq", "optimizer.0.step",
            "optimizer.1.exp_avg", "optimizer.1.exp_avg_sq", "optimizer.1.step",
            "optimizer.2.exp_avg", "optimizer.2.exp_avg_sq", "optimizer.2.step",
            "optimizer.3.exp_avg", "optimizer.3.exp_avg_sq", "optimizer.3.step",
        }, file.Tensors.Keys.Where(k => !k.StartsWith("optimizer.param_groups.", StringComparison.Ordinal)));
        // Each group's hyper-parameters travel with the state, so a resumed run keeps per-group learning rates.
        Assert.Equal(new[] { 0.001 }, file["optimizer.param_groups.0.lr"].ToDoubleArray());
        Assert.Equal(new[] { 1.0 }, file["optimizer.2.step"].ToDoubleArray());
        Assert.Equal("1", file.Metadata["epoch"]);
        Assert.Equal("Adam", file.Metadata[CheckpointFile.OptimizerTypeKey]);
        Assert.Equal("0.001", file.Metadata[CheckpointFile.LearningRateKey]);

        // The weights part loads into a model like any weights file, once the optimizer entries are set aside.
        using var ckpt = CheckpointFile.Load(path);
        Assert.Equal(4, ckpt.ModelTensors.Count);
        Assert.Equal(12, ckpt.OptimizerTensors.Keys.Count(k => !k.StartsWith("param_groups.", StringComparison.Ordinal)));
        Assert.Contains("0.exp_avg", ckpt.OptimizerTensors.Keys);
        Assert.False(ckpt.Metadata.ContainsKey(CheckpointFile.OptimizerTypeKey));
        var fresh = Mlp(9);
        ModelWeights.Load(fresh, ckpt.ModelTensors);
        Assert.Equal(Bits(model.Parameters().First().Data), Bits(fresh.Parameters().First().Data));
    }

    [Fact]
    public void OptimizerStateMapsToPrefixedEntriesAndBack()
    {
        var model = Mlp(1);
        var adam = new Adam(model.Parameters());
        Train(model, adam, 2);
        var entries = OptimizerState.ToTensors(adam, "opt/");
        Assert.All(entries, e => Assert.StartsWith("opt/", e.Key));
        Assert.Equal("opt/0.exp_avg", entries[0].Key);

        var other = new Adam(Mlp(3).Parameters());
        OptimizerState.FromTensors(other, entries.Append(KeyValuePair.Create("0.weight", Tensor.Ones(1))), "opt/");
        var a = adam.StateDict();
        var b = other.StateDict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (k, v) in a) Assert.Equal(Bits(v), Bits(b[k]));
        foreach (var (_, t) in entries) t.Dispose();
    }

    [Fact]
    public void MisfitsAreReportedClearly()
    {
        using var dir = new TempDir();
        var path = dir.File("ckpt.safetensors");
        var model = Mlp(1);
        var adam = new Adam(model.Parameters());
        Train(model, adam, 1);
        CheckpointFile.Save(path, model, adam);
        using var ckpt = CheckpointFile.Load(path);

        var sgd = new SGD(model.Parameters(), lr: 0.1);
        var wrongType = Assert.Throws<InvalidOperationException>(() => ckpt.RestoreOptimizer(sgd));
        Assert.Contains("Adam", wrongType.Message);
        Assert.Contains("SGD", wrongType.Message);

        var small = new Adam(new[] { new Parameter(Tensor.Zeros(5, 3)) });
        var wrongCount = Assert.Throws<ArgumentException>(() => ckpt.RestoreOptimizer(small));
        Assert.Contains("1 parameter(s)", wrongCount.Message);

        var clash = Assert.Throws<ArgumentException>(() => CheckpointFile.Save(path, new[] { KeyValuePair.Create("optimizer.w", Tensor.Ones(1)) }, null));
        Assert.Contains("'optimizer.w'", clash.Message);
        var reserved = Assert.Throws<ArgumentException>(() => CheckpointFile.Save(path, model, null, new Dictionary<string, string> { [CheckpointFile.LearningRateKey] = "1" }));
        Assert.Contains("reserved", reserved.Message);

        var noOptimizer = dir.File("weights-only.safetensors");
        CheckpointFile.Save(noOptimizer, model, null);
        using var weightsOnly = CheckpointFile.Load(noOptimizer);
        Assert.Null(weightsOnly.OptimizerType);
        Assert.Throws<InvalidOperationException>(() => weightsOnly.RestoreOptimizer(adam));
    }
}
