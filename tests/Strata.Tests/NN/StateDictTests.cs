using Strata;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

public class StateDictTests
{
    private static Sequential Net(ulong seed) => new(
        new Conv2D(4, 3, inChannels: 2, generator: new Generator(seed)), new BatchNorm2D(4), new ReLU(), new Flatten(),
        new Dense(3, 64, generator: new Generator(seed + 1)));

    private static Tensor Input(ulong seed) => Tensor.Uniform(new[] { 5, 2, 6, 6 }, -1, 1, new Generator(seed));

    [Fact]
    public void BuffersAreNamedAndNotParameters()
    {
        var net = Net(1);
        Assert.Equal(new[] { "1.running_mean", "1.running_var", "1.num_batches_tracked" }, net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(3, net.Buffers().Count());
        var bn = (BatchNorm2D)net[1];
        Assert.Same(bn.RunningMean, net.NamedBuffers().First().Buffer);
        Assert.DoesNotContain(net.Parameters(), p => ReferenceEquals(p.Data, bn.RunningMean));
        Assert.False(bn.RunningMean!.RequiresGrad);
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        Assert.Equal(0, bn.NumBatchesTracked.Rank);
    }

    [Fact]
    public void BuffersOutliveTheScopeTheyWereBuiltIn()
    {
        var bn = new BatchNorm1D();
        using (var scope = Tensor.Scope())
            bn.Invoke(Tensor.Uniform(new[] { 4, 3 }, 0, 1, new Generator(2)));
        Assert.All(bn.Buffers(), b => Assert.False(b.IsDisposed));
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());
        Assert.Equal(3, bn.RunningMean!.ToArray<float>().Length);
    }

    [Fact]
    public void RegisterBufferRejectsBadNamesAndTakesOwnership()
    {
        var m = new Dense(2, 3);
        var buf = m.RegisterBuffer("step", Tensor.Zeros(new[] { 1 }, DType.Int64));
        Assert.Contains(("step", buf), m.NamedBuffers());
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => m.RegisterBuffer("step", Tensor.Zeros(1))).Message);
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => m.RegisterBuffer("weight", Tensor.Zeros(1))).Message);
        Assert.Contains("'a.b'", Assert.Throws<ArgumentException>(() => m.RegisterBuffer("a.b", Tensor.Zeros(1))).Message);
        var x = Tensor.Ones(new[] { 2 });
        x.RequiresGrad = true;
        var ex = Assert.Throws<ArgumentException>(() => m.RegisterBuffer("y", x.Mul(2.0)));
        Assert.Contains("Dense.RegisterBuffer", ex.Message);
        Assert.Contains("leaf", ex.Message);
        Tensor kept;
        using (var scope = Tensor.Scope())
            kept = m.RegisterBuffer("inside", Tensor.Ones(new[] { 2 }));
        Assert.False(kept.IsDisposed);
    }

    [Fact]
    public void StateDictHasPyTorchNamesAndOrderWithLiveTensors()
    {
        var net = Net(3);
        var state = net.StateDict();
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
                             "4.weight", "4.bias" }, state.Keys);
        var conv = (Conv2D)net[0];
        Assert.Same(conv.Weight!.Data, state["0.weight"]);
        Assert.Same(((BatchNorm2D)net[1]).RunningVar, state["1.running_var"]);
    }

    [Fact]
    public void StateDictOfNestedCustomModuleListsOwnEntriesBeforeChildren()
    {
        var inner = new Sequential(new Dense(2, 3), new BatchNorm1D(2));
        var outer = new Sequential(new Dense(3, 3), inner);
        outer.RegisterBuffer("scale", Tensor.Ones(new[] { 1 }));
        Assert.Equal(new[] { "scale", "0.weight", "0.bias", "1.0.weight", "1.0.bias", "1.1.weight", "1.1.bias", "1.1.running_mean",
                             "1.1.running_var", "1.1.num_batches_tracked" }, outer.StateDict().Keys);
    }

    [Fact]
    public void LoadStateDictRoundTripCopiesParametersAndBuffers()
    {
        var a = Net(4);
        using (var scope = Tensor.Scope())
            for (int i = 0; i < 2; i++) a.Invoke(Input(10 + (ulong)i)).Sum().Backward(); // moves the running statistics
        var snapshot = a.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var b = Net(99);
        b.Invoke(Input(12));
        var result = b.LoadStateDict(snapshot);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        foreach (var (name, t) in b.StateDict())
            Assert.Equal(snapshot[name].ToDoubleArray(), t.ToDoubleArray());
        Assert.Equal(2L, b.StateDict()["1.num_batches_tracked"].Item<long>());
        // copies, not aliases: the loaded model owns its tensors
        Assert.NotSame(snapshot["0.weight"], b.StateDict()["0.weight"]);
        a.Eval(); b.Eval();
        var x = Input(13);
        Assert.Equal(a.Invoke(x).ToArray<float>(), b.Invoke(x).ToArray<float>());
        Assert.True(b.StateDict()["0.weight"].RequiresGrad);
    }

    [Fact]
    public void MismatchesAreReportedTogetherAndNothingIsLoaded()
    {
        var model = Net(5);
        model.Invoke(Input(14));
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        var state = Net(6).StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state.Remove("1.running_mean");
        state.Remove("4.bias");
        state["2.weight"] = Tensor.Zeros(3);
        state["0.weight"] = Tensor.Zeros(4, 2, 5, 5);
        state["1.running_var"] = Tensor.Zeros(new[] { 4 }, DType.Float64);

        var ex = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("Sequential.LoadStateDict", ex.Message);
        Assert.Contains("missing keys (in the module, not in the state): \"1.running_mean\", \"4.bias\"", ex.Message);
        Assert.Contains("unexpected keys (in the state, not in the module): \"2.weight\"", ex.Message);
        Assert.Contains("shape mismatch for \"0.weight\": expected [4, 2, 3, 3], got [4, 2, 5, 5]", ex.Message);
        Assert.Contains("dtype mismatch for \"1.running_var\": expected float32, got float64", ex.Message);
        foreach (var (name, t) in model.StateDict())
            Assert.Equal(before[name], t.ToDoubleArray());

        // Not strict: missing and unexpected keys are skipped and returned, but a shape mismatch is still an error.
        var ex2 = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state, strict: false));
        Assert.DoesNotContain("missing", ex2.Message);
        Assert.Contains("\"0.weight\"", ex2.Message);
        state.Remove("0.weight");
        state.Remove("1.running_var");
        var result = model.LoadStateDict(state, strict: false);
        Assert.Equal(new[] { "0.weight", "1.running_mean", "1.running_var", "4.bias" }, result.MissingKeys);
        Assert.Equal(new[] { "2.weight" }, result.UnexpectedKeys);
        Assert.Equal(state["0.bias"].ToDoubleArray(), model.StateDict()["0.bias"].ToDoubleArray());
        Assert.Equal(before["0.weight"], model.StateDict()["0.weight"].ToDoubleArray());
    }

    [Fact]
    public void LoadingIntoAnUnbuiltLazyModelSaysToBuildFirst()
    {
        var source = Net(7);
        var lazy = new Sequential(new Conv2D(4, 3), new BatchNorm2D(), new ReLU(), new Flatten(), new Dense(3));
        var ex = Assert.Throws<InvalidOperationException>(() => lazy.LoadStateDict(source.StateDict()));
        Assert.Contains("must be built", ex.Message);
        Assert.Contains("'0' (Conv2D", ex.Message);
        Assert.Contains("'1' (BatchNorm2D(?))", ex.Message);
        Assert.Contains("'4' (Dense", ex.Message);
        Assert.DoesNotContain("ReLU", ex.Message);
        lazy.Summary(2, 6, 6);
        lazy.LoadStateDict(source.StateDict());
        source.Eval(); lazy.Eval();
        var x = Input(15);
        Assert.Equal(source.Invoke(x).ToArray<float>(), lazy.Invoke(x).ToArray<float>());
    }

    [Fact]
    public void DisposedValuesAreReported()
    {
        var model = new Dense(2, 3);
        var state = new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros(2, 3), ["bias"] = Tensor.Zeros(2) };
        state["bias"].Dispose();
        var ex = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("\"bias\": the value is a disposed tensor", ex.Message);
    }
}
