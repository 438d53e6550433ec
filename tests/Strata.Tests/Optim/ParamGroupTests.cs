using System.Text.Json;
using Strata;
using Strata.NN;
using Strata.Optim;
using Strata.Optim.Schedules;
using Xunit;
using static Strata.Tests.Optim.OptimReference;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Optim;

/// <summary>Parameter groups with their own hyper-parameters against PyTorch 1.13, group defaults, validation and state round trips.</summary>
public class ParamGroupTests
{
    public static IEnumerable<object[]> GroupCases() => Names("groups");

    private static ParamGroup Group(Parameter p, JsonElement options)
    {
        var g = new ParamGroup(new[] { p });
        foreach (var o in options.EnumerateObject())
            g[o.Name] = o.Value.ValueKind switch { JsonValueKind.True => 1, JsonValueKind.False => 0, _ => o.Value.GetDouble() };
        return g;
    }

    private static Optimizer Make(string kind, JsonElement d, ParamGroup[] groups) => kind switch
    {
        "SGD" => new SGD(groups, Number(d, "lr", 0), Number(d, "momentum", 0), Number(d, "dampening", 0), Number(d, "nesterov", 0) != 0, Number(d, "weight_decay", 0)),
        "Adam" => new Adam(groups, Number(d, "lr", 1e-3), (Number(d, "beta1", 0.9), Number(d, "beta2", 0.999)), Number(d, "eps", 1e-8), Number(d, "weight_decay", 0), Number(d, "amsgrad", 0) != 0),
        "AdamW" => new AdamW(groups, Number(d, "lr", 1e-3), (Number(d, "beta1", 0.9), Number(d, "beta2", 0.999)), Number(d, "eps", 1e-8), Number(d, "weight_decay", 0.01), Number(d, "amsgrad", 0) != 0),
        "RMSprop" => new RMSprop(groups, Number(d, "lr", 0.01), Number(d, "alpha", 0.99), Number(d, "eps", 1e-8), Number(d, "weight_decay", 0), Number(d, "momentum", 0), Number(d, "centered", 0) != 0),
        "Adagrad" => new Adagrad(groups, Number(d, "lr", 0.01), Number(d, "lr_decay", 0), Number(d, "weight_decay", 0), Number(d, "initial_accumulator_value", 0), Number(d, "eps", 1e-10)),
        _ => throw new ArgumentException(kind),
    };

    private static (Optimizer, Parameter, Parameter) Build(JsonElement c)
    {
        var p0 = Get("p0");
        var a = new Parameter(Tensor.FromArray(Doubles(p0.GetProperty("a"))));
        var b = new Parameter(Tensor.FromArray(Doubles(p0.GetProperty("b"))));
        var opt = Make(c.GetProperty("name").GetString()!, c.GetProperty("defaults"),
            new[] { Group(a, c.GetProperty("group0")), Group(b, c.GetProperty("group1")) });
        return (opt, a, b);
    }

    private static void RunStep(Optimizer opt, Parameter a, Parameter b, int k)
    {
        var ck = Get("c")[k];
        opt.ZeroGrad();
        using (var scope = Tensor.Scope())
            ((a.Data * Tensor.FromArray(Doubles(ck.GetProperty("a")))).Sum() + (b.Data * Tensor.FromArray(Doubles(ck.GetProperty("b")))).Sum()).Backward();
        opt.Step();
    }

    [Theory]
    [MemberData(nameof(GroupCases))]
    public void MatchesPyTorch(string name)
    {
        var c = Case("groups", name);
        var (opt, a, b) = Build(c);
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        for (int k = 0; k < steps.Length; k++)
        {
            RunStep(opt, a, b, k);
            AssertClose(Doubles(steps[k].GetProperty("a")), a.Data.ToDoubleArray(), 1e-9, 1e-13);
            AssertClose(Doubles(steps[k].GetProperty("b")), b.Data.ToDoubleArray(), 1e-9, 1e-13);
        }
    }

    [Theory]
    [MemberData(nameof(GroupCases))]
    public void StateDictRoundTripKeepsGroupHyperParameters(string name)
    {
        var c = Case("groups", name);
        var (optA, a, b) = Build(c);
        RunStep(optA, a, b, 0);
        RunStep(optA, a, b, 1);
        optA.ParamGroups[1].LearningRate *= 0.5; // as a schedule would
        var state = optA.StateDict();
        Assert.Equal(optA.ParamGroups[0].LearningRate, state["param_groups.0.lr"].Item());
        Assert.Equal(optA.ParamGroups[1].LearningRate, state["param_groups.1.lr"].Item());

        // A fresh optimizer whose groups all have other learning rates, restored from the state.
        var a2 = new Parameter(Tensor.FromArray(a.Data.ToDoubleArray()));
        var b2 = new Parameter(Tensor.FromArray(b.Data.ToDoubleArray()));
        var optB = Make(name, c.GetProperty("defaults"), new[] { new ParamGroup(new[] { a2 }), new ParamGroup(new[] { b2 }) });
        optB.LoadStateDict(state);
        foreach (var t in state.Values) t.Dispose();
        for (int g = 0; g < 2; g++)
            Assert.Equal(optA.ParamGroups[g].Options.OrderBy(kv => kv.Key), optB.ParamGroups[g].Options.OrderBy(kv => kv.Key));

        RunStep(optA, a, b, 2);
        RunStep(optB, a2, b2, 2);
        Assert.Equal(a.Data.ToDoubleArray(), a2.Data.ToDoubleArray());
        Assert.Equal(b.Data.ToDoubleArray(), b2.Data.ToDoubleArray());
    }

    [Fact]
    public void UnsetOptionsTakeTheDefaults()
    {
        var a = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        var b = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        var opt = new Adam(new[] { new ParamGroup(new[] { a }) { LearningRate = 1e-4 }, new ParamGroup(new[] { b }) { ["beta2"] = 0.99 } }, lr: 1e-3, weightDecay: 0.1);
        Assert.Equal(1e-4, opt.ParamGroups[0].LearningRate);
        Assert.Equal(1e-3, opt.ParamGroups[1].LearningRate);
        Assert.Equal(0.999, opt.ParamGroups[0]["beta2"]);
        Assert.Equal(0.99, opt.ParamGroups[1]["beta2"]);
        Assert.Equal(0.1, opt.ParamGroups[1].WeightDecay);
        Assert.Equal(new[] { a, b }, opt.Parameters);
        Assert.Equal(1e-3, opt.Defaults["lr"]);
    }

    [Fact]
    public void LearningRateSetterSetsEveryGroup()
    {
        var opt = new SGD(new[] { new ParamGroup(new[] { Param(1) }) { LearningRate = 0.5 }, new ParamGroup(new[] { Param(2) }) }, lr: 0.1);
        Assert.Equal(0.5, opt.LearningRate); // reads the first group
        opt.LearningRate = 0.01;
        Assert.All(opt.ParamGroups, g => Assert.Equal(0.01, g.LearningRate));
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = -1);
    }

    [Fact]
    public void SchedulesScaleEachGroupsOwnBaseRate()
    {
        var opt = new SGD(new[] { new ParamGroup(new[] { Param(1) }) { LearningRate = 1.0 }, new ParamGroup(new[] { Param(2) }) }, lr: 0.1);
        var s = new StepLR(opt, stepSize: 1, gamma: 0.5);
        s.Step();
        s.Step();
        Assert.Equal(new[] { 0.25, 0.025 }, opt.ParamGroups.Select(g => g.LearningRate));
        Assert.Equal(new[] { 1.0, 0.1 }, s.BaseLearningRates);
        Assert.Equal(new[] { 1.0, 0.1 }, opt.ParamGroups.Select(g => g.InitialLearningRate!.Value));
    }

    [Fact]
    public void AddParamGroupForFineTuning()
    {
        var head = Param(1);
        var backbone = new Parameter(Tensor.FromArray(new double[] { 1, 1 }));
        var opt = new Adagrad(new[] { head }, lr: 0.1, initialAccumulatorValue: 0.5);
        opt.AddParamGroup(new ParamGroup(new[] { backbone }) { LearningRate = 0.01 });
        Assert.Equal(2, opt.ParamGroups.Count);
        Assert.Contains("1.sum", opt.StateDict().Keys); // Adagrad's accumulator exists before the first step, as in PyTorch
        using (var scope = Tensor.Scope()) (head.Data.Sum() + backbone.Data.Sum()).Backward();
        opt.Step();
        // Adagrad's first step with g = 1 and accumulator 0.5 + 1: p -= lr / sqrt(1.5).
        AssertClose(new[] { 1 - 0.01 / Math.Sqrt(1.5), 1 - 0.01 / Math.Sqrt(1.5) }, backbone.Data.ToDoubleArray(), 1e-12, 0);
    }

    [Fact]
    public void ClearErrors()
    {
        var a = Param(1);
        var e1 = Assert.Throws<ArgumentException>(() => new SGD(new[] { new ParamGroup(new[] { a }), new ParamGroup(new[] { a }) }, lr: 0.1));
        Assert.Contains("more than once", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new Adam(new[] { new ParamGroup(new[] { a }) { ["momentum"] = 0.9 } }));
        Assert.Contains("Adam", e2.Message);
        Assert.Contains("'momentum'", e2.Message);
        Assert.Contains("beta1", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new Adam(new[] { new ParamGroup(new[] { Param(2) }), new ParamGroup(new[] { a }) { ["beta1"] = 1.5 } }));
        Assert.Contains("group 1", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => new SGD(new[] { new ParamGroup(new[] { a }) { LearningRate = -0.1 } }, lr: 0.1));
        Assert.Contains("invalid lr", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => new SGD(new[] { new ParamGroup(new[] { a }) { ["nesterov"] = 1 } }, lr: 0.1));
        Assert.Contains("Nesterov", e5.Message);
        Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<ParamGroup>(), lr: 0.1));
        var e6 = Assert.Throws<KeyNotFoundException>(() => new ParamGroup(new[] { a }).LearningRate);
        Assert.Contains("'lr'", e6.Message);

        var opt = new SGD(new[] { a }, lr: 0.1);
        var bad = new Dictionary<string, Tensor> { ["param_groups.3.lr"] = Tensor.Scalar(0.1) };
        Assert.Contains("param_groups.3.lr", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(bad)).Message);
        var otherOptimizer = new Dictionary<string, Tensor> { ["param_groups.0.beta1"] = Tensor.Scalar(0.9) };
        Assert.Contains("another optimizer", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(otherOptimizer)).Message);
        var wrongShape = new Dictionary<string, Tensor> { ["0.momentum_buffer"] = Tensor.Zeros(3) };
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => opt.LoadStateDict(wrongShape)).Message);
    }

    private static Parameter Param(double v) => new(Tensor.FromArray(new[] { v }));
}
