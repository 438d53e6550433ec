using System.Text.Json;
using Strata;
using Strata.NN;
using Strata.Optim;
using Strata.Optim.Schedules;
using Xunit;
using static Strata.Tests.Optim.OptimReference;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Optim;

/// <summary>
/// Each schedule's learning rates (and OneCycleLR's momentum) for 30 steps on a two-group optimizer (lr 0.1 and 0.02)
/// against PyTorch 1.13's schedulers, and the state round trip: a schedule restored mid-way continues exactly as one
/// that never stopped.
/// </summary>
public class ScheduleReferenceTests
{
    public static IEnumerable<object[]> ScheduleNames() => Names("schedules");

    internal static Optimizer TwoGroups(string kind, JsonElement defaults)
    {
        var a = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        var b = new Parameter(Tensor.Zeros(new[] { 3 }, DType.Float64));
        var groups = new[] { new ParamGroup(new[] { a }) { LearningRate = 0.1 }, new ParamGroup(new[] { b }) { LearningRate = 0.02 } };
        double lr = Number(defaults, "lr", 0.1);
        return kind switch
        {
            "SGD" => new SGD(groups, lr, momentum: Number(defaults, "momentum", 0)),
            "Adam" => new Adam(groups, lr),
            "Adagrad" => new Adagrad(groups, lr),
            _ => throw new ArgumentException(kind),
        };
    }

    /// <summary>The schedule of a reference case; for ReduceLROnPlateau the second item is set instead.</summary>
    internal static (LRScheduler?, ReduceLROnPlateau?) Make(string name, Optimizer opt, JsonElement p)
    {
        if (name.StartsWith("ReduceLROnPlateau"))
            return (null, new ReduceLROnPlateau(opt, Doubles(p.GetProperty("minLr")),
                p.GetProperty("mode").GetString() == "min" ? PlateauMode.Min : PlateauMode.Max,
                factor: Number(p, "factor", 0.1), patience: (int)Number(p, "patience", 10), threshold: Number(p, "threshold", 1e-4),
                thresholdMode: p.GetProperty("thresholdMode").GetString() == "rel" ? ThresholdMode.Rel : ThresholdMode.Abs,
                cooldown: (int)Number(p, "cooldown", 0)));
        LRScheduler s = name.Split('_')[0] switch
        {
            "StepLR" => new StepLR(opt, (int)Number(p, "stepSize", 0), Number(p, "gamma", 0.1)),
            "MultiStepLR" => new MultiStepLR(opt, Doubles(p.GetProperty("milestones")).Select(v => (int)v), Number(p, "gamma", 0.1)),
            "ExponentialLR" => new ExponentialLR(opt, Number(p, "gamma", 0)),
            "CosineAnnealingLR" => new CosineAnnealingLR(opt, (int)Number(p, "tMax", 0), Number(p, "etaMin", 0)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(opt, (int)Number(p, "t0", 0), (int)Number(p, "tMult", 1), Number(p, "etaMin", 0)),
            "LinearLR" => new LinearLR(opt, Number(p, "startFactor", 1.0 / 3), Number(p, "endFactor", 1), (int)Number(p, "totalIters", 5)),
            "OneCycleLR" => new OneCycleLR(opt, Doubles(p.GetProperty("maxLr")), (int)Number(p, "totalSteps", 0), Number(p, "pctStart", 0.3),
                p.TryGetProperty("anneal", out var a) && a.GetString() == "linear" ? AnnealStrategy.Linear : AnnealStrategy.Cos,
                cycleMomentum: Number(p, "cycleMomentum", 1) != 0, baseMomentum: Number(p, "baseMomentum", 0.85), maxMomentum: Number(p, "maxMomentum", 0.95),
                divFactor: Number(p, "divFactor", 25), finalDivFactor: Number(p, "finalDivFactor", 1e4), threePhase: Number(p, "threePhase", 0) != 0),
            _ => throw new ArgumentException(name),
        };
        return (s, null);
    }

    private static double[] Lrs(Optimizer opt) => opt.ParamGroups.Select(g => g.LearningRate).ToArray();

    private static double[] Momenta(Optimizer opt) =>
        opt.ParamGroups.Select(g => g.Has("beta1") ? g["beta1"] : g["momentum"]).ToArray();

    private static void StepOnce(LRScheduler? s, ReduceLROnPlateau? plateau, double[]? metrics, int k)
    {
        if (plateau is not null) plateau.Step(metrics![k]);
        else s!.Step();
    }

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Case("schedules", name);
        var opt = TwoGroups(c.GetProperty("optimizer").GetString()!, c.GetProperty("optimizer_params"));
        var (s, plateau) = Make(name, opt, c.GetProperty("params"));
        var metrics = c.TryGetProperty("metrics", out var m) ? Doubles(m) : null;
        var lrs = c.GetProperty("lrs").EnumerateArray().Select(Doubles).ToArray();
        var moms = c.TryGetProperty("momentum", out var mo) ? mo.EnumerateArray().Select(Doubles).ToArray() : null;
        for (int k = 0; k < lrs.Length; k++)
        {
            if (k > 0)
            {
                opt.Step();
                StepOnce(s, plateau, metrics, k - 1);
            }
            AssertClose(lrs[k], Lrs(opt), 1e-12, 1e-15);
            AssertClose(lrs[k], (s?.CurrentLearningRates ?? plateau!.CurrentLearningRates).ToArray(), 1e-12, 1e-15);
            if (moms is not null) AssertClose(moms[k], Momenta(opt), 1e-12, 1e-15);
            if (s is not null) Assert.Equal(k, s.LastEpoch);
        }
    }

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void StateRoundTripContinuesLikeUninterruptedRun(string name)
    {
        var c = Case("schedules", name);
        var kind = c.GetProperty("optimizer").GetString()!;
        var p = c.GetProperty("params");
        var metrics = c.TryGetProperty("metrics", out var m) ? Doubles(m) : null;
        int total = c.GetProperty("lrs").GetArrayLength() - 1;

        var optA = TwoGroups(kind, c.GetProperty("optimizer_params"));
        var (sA, plA) = Make(name, optA, p);
        int split = 13;
        for (int k = 0; k < split; k++) StepOnce(sA, plA, metrics, k);
        var optState = optA.StateDict();
        var schedState = sA?.StateDict() ?? plA!.StateDict();

        // A fresh optimizer and schedule built with the same arguments, then restored.
        var optB = TwoGroups(kind, c.GetProperty("optimizer_params"));
        var (sB, plB) = Make(name, optB, p);
        optB.LoadStateDict(optState);
        if (sB is not null) sB.LoadStateDict(schedState);
        else plB!.LoadStateDict(schedState);
        Assert.Equal(Lrs(optA), Lrs(optB));

        for (int k = split; k < total; k++)
        {
            StepOnce(sA, plA, metrics, k);
            StepOnce(sB, plB, metrics, k);
            Assert.Equal(Lrs(optA), Lrs(optB));
            if (name.StartsWith("OneCycleLR_sgd") || name.StartsWith("OneCycleLR_adam")) Assert.Equal(Momenta(optA), Momenta(optB));
        }
        if (sA is not null) Assert.Equal(sA.LastEpoch, sB!.LastEpoch);
        else Assert.Equal(plA!.StateDict(), plB!.StateDict());
    }

    [Fact]
    public void ScheduleStateRestoresTheOptimizerRatesOnItsOwn()
    {
        // Only the schedule's state is restored: the optimizer's rates follow from it.
        var c = Case("schedules", "CosineAnnealingLR");
        var optA = TwoGroups("SGD", c.GetProperty("optimizer_params"));
        var sA = new CosineAnnealingLR(optA, 10, 0.001);
        for (int k = 0; k < 4; k++) sA.Step();
        var optB = TwoGroups("SGD", c.GetProperty("optimizer_params"));
        var sB = new CosineAnnealingLR(optB, 10, 0.001);
        sB.LoadStateDict(sA.StateDict());
        Assert.Equal(4, sB.LastEpoch);
        Assert.Equal(Lrs(optA), Lrs(optB));
        sA.Step();
        sB.Step();
        Assert.Equal(Lrs(optA), Lrs(optB));
    }
}
