using Strata;
using Strata.NN;
using Strata.Optim;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Optim;

/// <summary>Optimizers against PyTorch 1.13: three steps on a fixed float64 parameter with fixed gradients.</summary>
public class OptimizerTests
{
    private static readonly double[] P0 = { 0.5, -1.2, 2.0, 0.3 };
    // The gradient of loss = (p * c).Sum() is c: one fixed c per step.
    private static readonly double[][] C =
    {
        new[] { 0.1, -0.2, 0.3, 0.4 },
        new[] { -0.5, 0.25, 0.1, -0.3 },
        new[] { 0.7, 0.05, -0.6, 0.2 },
    };

    /*
    Expected values from PyTorch 1.13 (/usr/bin/python3):

    import torch
    torch.set_default_dtype(torch.float64)
    P0=[0.5,-1.2,2.0,0.3]
    C=[[0.1,-0.2,0.3,0.4],[-0.5,0.25,0.1,-0.3],[0.7,0.05,-0.6,0.2]]
    cases={
     "SgdPlain":lambda p: torch.optim.SGD([p],lr=0.1),
     "SgdMomentum":lambda p: torch.optim.SGD([p],lr=0.1,momentum=0.9,dampening=0.1),
     "SgdNesterov":lambda p: torch.optim.SGD([p],lr=0.1,momentum=0.9,nesterov=True),
     "SgdWeightDecay":lambda p: torch.optim.SGD([p],lr=0.1,momentum=0.5,weight_decay=0.1),
     "Adam":lambda p: torch.optim.Adam([p],lr=0.01),
     "AdamWeightDecay":lambda p: torch.optim.Adam([p],lr=0.01,weight_decay=0.1),
     "AdamAmsgrad":lambda p: torch.optim.Adam([p],lr=0.01,amsgrad=True,weight_decay=0.05),
     "AdamW":lambda p: torch.optim.AdamW([p],lr=0.01),
     "AdamWAmsgrad":lambda p: torch.optim.AdamW([p],lr=0.01,weight_decay=0.1,amsgrad=True),
     "RmspropPlain":lambda p: torch.optim.RMSprop([p],lr=0.01),
     "RmspropCentered":lambda p: torch.optim.RMSprop([p],lr=0.01,centered=True),
     "RmspropMomentum":lambda p: torch.optim.RMSprop([p],lr=0.01,momentum=0.9,weight_decay=0.1),
     "Adagrad":lambda p: torch.optim.Adagrad([p],lr=0.1),
     "AdagradOptions":lambda p: torch.optim.Adagrad([p],lr=0.1,lr_decay=0.1,weight_decay=0.1,initial_accumulator_value=0.5),
    }
    for name,f in cases.items():
        p=torch.tensor(P0,requires_grad=True); o=f(p); rows=[]
        for c in C:
            o.zero_grad(); (p*torch.tensor(C[len(rows)])).sum().backward(); o.step()
            rows.append(", ".join(repr(v) for v in p.detach().tolist()))
        print(f'        ["{name}"] = new double[][] {{')
        for r in rows: print(f'            new[] {{ {r} }},')
        print('        },')
    */
    private static readonly Dictionary<string, double[][]> Expected = new()
    {
        ["SgdPlain"] = new double[][] {
            new[] { 0.49, -1.18, 1.97, 0.26 },
            new[] { 0.54, -1.2049999999999998, 1.96, 0.29000000000000004 },
            new[] { 0.47000000000000003, -1.2099999999999997, 2.02, 0.27 },
        },
        ["SgdMomentum"] = new double[][] {
            new[] { 0.49, -1.18, 1.97, 0.26 },
            new[] { 0.526, -1.1844999999999999, 1.934, 0.251 },
            new[] { 0.4954, -1.19305, 1.9556, 0.2249 },
        },
        ["SgdNesterov"] = new double[][] {
            new[] { 0.481, -1.162, 1.943, 0.22399999999999998 },
            new[] { 0.5679, -1.1933, 1.8997000000000002, 0.24859999999999996 },
            new[] { 0.46810999999999997, -1.20847, 1.9837300000000002, 0.20573999999999995 },
        },
        ["SgdWeightDecay"] = new double[][] {
            new[] { 0.485, -1.168, 1.95, 0.257 },
            new[] { 0.52265, -1.16532, 1.8955, 0.26293 },
            new[] { 0.46624849999999995, -1.1573267999999999, 1.909295, 0.2432657 },
        },
        ["Adam"] = new double[][] {
            new[] { 0.4900000009999999, -1.1900000005, 1.9900000003333334, 0.29000000025 },
            new[] { 0.4959835426552334, -1.1916273230448173, 1.9812893612157196, 0.28910675020121357 },
            new[] { 0.49354151998902, -1.1938565420703189, 1.9838046980740491, 0.28609155137571535 },
        },
        ["AdamWeightDecay"] = new double[][] {
            new[] { 0.4900000006666666, -1.1900000003125, 1.9900000002, 0.2900000002325581 },
            new[] { 0.49494768995328214, -1.1866197900146827, 1.9804294247299326, 0.28830109334277626 },
            new[] { 0.49159942925677963, -1.1828116747249593, 1.9779717711185134, 0.28447941028286633 },
        },
        ["AdamAmsgrad"] = new double[][] {
            new[] { 0.49000000079999995, -1.1900000003846154, 1.99000000025, 0.29000000024096384 },
            new[] { 0.4954943016508145, -1.1889953938949402, 1.9806818690573553, 0.28869955372942363 },
            new[] { 0.4925902306634672, -1.1880318704507755, 1.9806572722025722, 0.28527081414096833 },
        },
        ["AdamW"] = new double[][] {
            new[] { 0.4899500009999999, -1.1898800005, 1.9898000003333334, 0.28997000025 },
            new[] { 0.49588454765513346, -1.1913883350447674, 1.9808903812156864, 0.2890477532011886 },
            new[] { 0.49339293653415456, -1.1934984152367645, 1.9832076290358944, 0.2860036496003702 },
        },
        ["AdamWAmsgrad"] = new double[][] {
            new[] { 0.4895000009999999, -1.1888000005, 1.9880000003333334, 0.28970000025 },
            new[] { 0.4949940426542334, -1.1892385230443172, 1.9773013612153862, 0.2885170502009635 },
            new[] { 0.49205702594536577, -1.1902785035467744, 1.9778393967125003, 0.28521333432526436 },
        },
        ["RmspropPlain"] = new double[][] {
            new[] { 0.40000009999990005, -1.100000049999975, 1.9000000333333222, 0.2000000249999938 },
            new[] { 0.4980770110928694, -1.178239718504735, 1.8682339965246466, 0.26019293946558614 },
            new[] { 0.41710215067246253, -1.1937755324835644, 1.95688155406591, 0.2227895736539315 },
        },
        ["RmspropCentered"] = new double[][] {
            new[] { 0.3994963194840783, -1.099496268979104, 1.8994962521441012, 0.19949624372659774 },
            new[] { 0.49787804825275045, -1.177746299973022, 1.8674745577499214, 0.25970032751984606 },
            new[] { 0.4168533981982109, -1.1932898428409549, 1.9561635903865613, 0.22223989313592254 },
        },
        ["RmspropMomentum"] = new double[][] {
            new[] { 0.40000006666662224, -1.1000000312499902, 1.900000019999996, 0.20000002325580857 },
            new[] { 0.4051188124159764, -1.0502512093186345, 1.7596394648918174, 0.16475996232728074 },
            new[] { 0.32587354042951844, -0.9897746429993984, 1.6928033467846197, 0.09389108060389177 },
        },
        ["Adagrad"] = new double[][] {
            new[] { 0.4000000001, -1.1000000000499999, 1.9000000000333332, 0.20000000002499996 },
            new[] { 0.4980580676498612, -1.1780868809699125, 1.8683772234416494, 0.26000000001299994 },
            new[] { 0.41722902997264694, -1.1935172159613598, 1.956842397121544, 0.22286093238448612 },
        },
        ["AdagradOptions"] = new double[][] {
            new[] { 0.4792485660868886, -1.158770554242906, 1.9422649730877042, 0.24804170726534527 },
            new[] { 0.5274532226485057, -1.1742508182259774, 1.913020880336879, 0.27672715637617296 },
            new[] { 0.4722983317386393, -1.1671432215584554, 1.9470178455514249, 0.25567838681586647 },
        },
    };

    private static readonly Dictionary<string, Func<Parameter, Optimizer>> Make = new()
    {
        ["SgdPlain"] = p => new SGD(new[] { p }, lr: 0.1),
        ["SgdMomentum"] = p => new SGD(new[] { p }, lr: 0.1, momentum: 0.9, dampening: 0.1),
        ["SgdNesterov"] = p => new SGD(new[] { p }, lr: 0.1, momentum: 0.9, nesterov: true),
        ["SgdWeightDecay"] = p => new SGD(new[] { p }, lr: 0.1, momentum: 0.5, weightDecay: 0.1),
        ["Adam"] = p => new Adam(new[] { p }, lr: 0.01),
        ["AdamWeightDecay"] = p => new Adam(new[] { p }, lr: 0.01, weightDecay: 0.1),
        ["AdamAmsgrad"] = p => new Adam(new[] { p }, lr: 0.01, amsgrad: true, weightDecay: 0.05),
        ["AdamW"] = p => new AdamW(new[] { p }, lr: 0.01),
        ["AdamWAmsgrad"] = p => new AdamW(new[] { p }, lr: 0.01, weightDecay: 0.1, amsgrad: true),
        ["RmspropPlain"] = p => new RMSprop(new[] { p }, lr: 0.01),
        ["RmspropCentered"] = p => new RMSprop(new[] { p }, lr: 0.01, centered: true),
        ["RmspropMomentum"] = p => new RMSprop(new[] { p }, lr: 0.01, momentum: 0.9, weightDecay: 0.1),
        ["Adagrad"] = p => new Adagrad(new[] { p }, lr: 0.1),
        ["AdagradOptions"] = p => new Adagrad(new[] { p }, lr: 0.1, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.5),
    };

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var k in Expected.Keys) d.Add(k);
        return d;
    }

    private static void Backward(Parameter p, double[] c)
    {
        using var scope = Tensor.Scope();
        (p.Data * Tensor.FromArray(c)).Sum().Backward();
    }

    private static void RunStep(Optimizer opt, Parameter p, int k)
    {
        opt.ZeroGrad();
        Backward(p, C[k]);
        opt.Step();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var p = new Parameter(Tensor.FromArray((double[])P0.Clone()));
        var opt = Make[name](p);
        for (int k = 0; k < 3; k++)
        {
            RunStep(opt, p, k);
            AssertClose(Expected[name][k], p.Data.ToArray<double>(), rtol: 1e-6, atol: 1e-12);
        }
    }

    [Fact]
    public void ZeroGradZerosGradients()
    {
        var a = new Parameter(Tensor.FromArray(new double[] { 1, 2 }));
        var b = new Parameter(Tensor.FromArray(new double[] { 3, 4, 5 }));
        var opt = new SGD(new[] { a, b }, lr: 0.1);
        using (var scope = Tensor.Scope())
            (a.Data.Sum() * 2 + (b.Data * b.Data).Sum()).Backward();
        Assert.Equal(new double[] { 2, 2 }, a.Grad!.ToArray<double>());
        Assert.Equal(new double[] { 6, 8, 10 }, b.Grad!.ToArray<double>());
        opt.ZeroGrad();
        Assert.Equal(new double[] { 0, 0 }, a.Grad!.ToArray<double>());
        Assert.Equal(new double[] { 0, 0, 0 }, b.Grad!.ToArray<double>());
    }

    [Fact]
    public void SkipsParametersWithoutGradOrRequiresGrad()
    {
        var a = new Parameter(Tensor.FromArray(new double[] { 1, 2 }));
        var frozen = new Parameter(Tensor.FromArray(new double[] { 3, 4 }), requiresGrad: false);
        var opt = new Adam(new[] { a, frozen }, lr: 0.1);
        opt.Step();
        Assert.Equal(new double[] { 1, 2 }, a.Data.ToArray<double>());
        Assert.Equal(new double[] { 3, 4 }, frozen.Data.ToArray<double>());
        // No per-parameter state; only the group's hyper-parameters ("param_groups.0.lr", ...).
        Assert.All(opt.StateDict().Keys, k => Assert.StartsWith("param_groups.0.", k));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StateDictRoundTripContinuesLikeUninterruptedRun(string name)
    {
        var pa = new Parameter(Tensor.FromArray((double[])P0.Clone()));
        var optA = Make[name](pa);
        RunStep(optA, pa, 0);
        RunStep(optA, pa, 1);
        var state = optA.StateDict();
        if (name.StartsWith("Adam")) Assert.Contains("0.exp_avg", state.Keys);

        // A fresh optimizer on a copy of the parameter, loaded from the saved state.
        var pb = new Parameter(Tensor.FromArray(pa.Data.ToArray<double>()));
        var optB = Make[name](pb);
        optB.LoadStateDict(state);
        foreach (var t in state.Values) t.Dispose(); // the optimizer keeps its own copies

        RunStep(optA, pa, 2);
        RunStep(optB, pb, 2);
        AssertClose(pa.Data.ToArray<double>(), pb.Data.ToArray<double>(), rtol: 1e-12, atol: 0);
        AssertClose(Expected[name][2], pb.Data.ToArray<double>(), rtol: 1e-6, atol: 1e-12);
    }

    [Fact]
    public void LearningRateIsSettable()
    {
        var p = new Parameter(Tensor.FromArray(new double[] { 1 }));
        var opt = new SGD(new[] { p }, lr: 0.1);
        opt.LearningRate = 0.5;
        Backward(p, new[] { 2.0 });
        opt.Step();
        Assert.Equal(0.0, p.Data.ToArray<double>()[0], 12);
    }
}
