using Strata;
using Strata.NN;
using Strata.Optim;
using Strata.Optim.Schedules;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Optim;

/// <summary>LinearWarmup in closed form, schedule state of wrapped schedules, and schedule argument errors.</summary>
public class ScheduleBehaviourTests
{
    private static SGD Sgd(double lr = 0.1, double momentum = 0) =>
        new(new[] { new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64)) }, lr, momentum);

    [Fact]
    public void LinearWarmupAloneHoldsTheBaseRate()
    {
        var opt = Sgd(0.2);
        var s = new LinearWarmup(opt, warmupSteps: 4);
        var seen = new List<double> { opt.LearningRate };
        for (int k = 0; k < 6; k++) { s.Step(); seen.Add(opt.LearningRate); }
        AssertClose(new[] { 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.2 }, seen.ToArray(), 1e-15, 0);
    }

    [Fact]
    public void LinearWarmupThenCosineMatchesTheClosedForm()
    {
        const double b = 0.1, eta = 0.001;
        const int warm = 5, tMax = 10;
        var opt = Sgd(b);
        var cosine = new CosineAnnealingLR(opt, tMax, eta);
        var s = new LinearWarmup(opt, warm, cosine);
        for (int t = 0; t < 30; t++)
        {
            double expected = t < warm ? b * (t + 1) / warm : eta + (b - eta) * (1 + Math.Cos(Math.PI * (t - warm) / tMax)) / 2;
            Assert.Equal(expected, opt.LearningRate, 14);
            Assert.Equal(t, s.LastEpoch);
            s.Step();
        }
    }

    [Fact]
    public void LinearWarmupStateIncludesTheWrappedSchedule()
    {
        var optA = Sgd(0.1, momentum: 0.9);
        var sA = new LinearWarmup(optA, 3, new OneCycleLR(optA, maxLr: 1.0, totalSteps: 20));
        for (int k = 0; k < 7; k++) sA.Step();
        var state = sA.StateDict();
        Assert.Contains("after.last_epoch", state.Keys);
        Assert.Equal(4, state["after.last_epoch"]);

        var optB = Sgd(0.1, momentum: 0.9);
        var sB = new LinearWarmup(optB, 3, new OneCycleLR(optB, maxLr: 1.0, totalSteps: 20));
        sB.LoadStateDict(state);
        for (int k = 0; k < 10; k++)
        {
            sA.Step();
            sB.Step();
            Assert.Equal(optA.LearningRate, optB.LearningRate);
            Assert.Equal(optA.Momentum, optB.Momentum);
        }
    }

    [Fact]
    public void OneCycleRefusesToStepPastTheEndAndNeedsMomentumToCycle()
    {
        var opt = Sgd();
        var s = new OneCycleLR(opt, maxLr: 1.0, totalSteps: 3);
        for (int k = 0; k < 3; k++) s.Step(); // steps 1..3; PyTorch allows reaching totalSteps
        var e = Assert.Throws<InvalidOperationException>(() => s.Step());
        Assert.Contains("totalSteps is 3", e.Message);
        var adagrad = new Adagrad(new[] { new Parameter(Tensor.Zeros(1)) });
        Assert.Contains("cycleMomentum: false", Assert.Throws<ArgumentException>(() => new OneCycleLR(adagrad, 1.0, 10)).Message);
    }

    [Fact]
    public void ResumingNeedsInitialLr()
    {
        var e = Assert.Throws<ArgumentException>(() => new StepLR(Sgd(), stepSize: 2, lastEpoch: 5));
        Assert.Contains("initial_lr", e.Message);
        // After a schedule has set it (or the optimizer state restored it), resuming works.
        var opt = Sgd(1.0);
        _ = new StepLR(opt, stepSize: 2, gamma: 0.5);
        var resumed = new StepLR(opt, stepSize: 2, gamma: 0.5, lastEpoch: 4);
        Assert.Equal(5, resumed.LastEpoch);
        Assert.Equal(0.25, opt.LearningRate);
    }

    [Fact]
    public void ReduceLROnPlateauCountsPatienceAndCooldown()
    {
        var opt = Sgd(1.0);
        var s = new ReduceLROnPlateau(opt, factor: 0.5, patience: 1, cooldown: 2);
        s.Step(1.0); // best
        s.Step(1.0); // bad 1
        Assert.Equal(1.0, opt.LearningRate);
        s.Step(1.0); // bad 2 > patience: reduce, cooldown 2
        Assert.Equal(0.5, opt.LearningRate);
        Assert.True(s.InCooldown);
        s.Step(1.0);
        s.Step(1.0); // cooldown absorbs both bad epochs
        Assert.Equal(0.5, opt.LearningRate);
        s.Step(1.0);
        s.Step(1.0);
        Assert.Equal(0.25, opt.LearningRate);
        Assert.Throws<ArgumentException>(() => s.Step(double.NaN));
    }

    [Fact]
    public void ArgumentErrorsNameTheSchedule()
    {
        var opt = Sgd();
        Assert.Contains("StepLR", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(opt, 0)).Message);
        Assert.Contains("CosineAnnealingLR", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(opt, 0)).Message);
        Assert.Contains("CosineAnnealingWarmRestarts", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingWarmRestarts(opt, 4, tMult: 0)).Message);
        Assert.Contains("OneCycleLR", Assert.Throws<ArgumentException>(() => new OneCycleLR(opt, new[] { 0.1, 0.2 }, 10)).Message);
        Assert.Contains("ReduceLROnPlateau", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, factor: 1.5)).Message);
        Assert.Contains("LinearWarmup", Assert.Throws<ArgumentException>(() => new LinearWarmup(opt, 3, new StepLR(Sgd(), 2))).Message);
        var s = new StepLR(opt, 2);
        Assert.Contains("base_lr.0", Assert.Throws<ArgumentException>(() => s.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = 3 })).Message);
    }
}
