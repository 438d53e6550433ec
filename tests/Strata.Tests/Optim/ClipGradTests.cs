using Strata;
using Strata.NN;
using Strata.Optim;
using Xunit;
using static Strata.Tests.Optim.OptimReference;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Optim;

/// <summary>ClipGrad against torch.nn.utils.clip_grad_norm_ / clip_grad_value_, and the Keras clipping options of the optimizers by hand.</summary>
public class ClipGradTests
{
    private static Parameter[] WithGrads()
    {
        var g = Get("g").EnumerateArray().ToArray();
        var shapes = new[] { new[] { 2, 2 }, new[] { 3 }, new[] { 2, 1 } };
        var ps = new Parameter[3];
        for (int i = 0; i < 3; i++)
        {
            ps[i] = new Parameter(Tensor.Zeros(shapes[i], DType.Float64));
            var flat = g[i].EnumerateArray().SelectMany(e => e.ValueKind == System.Text.Json.JsonValueKind.Array ? Doubles(e) : new[] { e.GetDouble() }).ToArray();
            var grad = Tensor.FromArray(flat, shapes[i]);
            TensorScope.Current?.Keep(grad);
            ps[i].Data.Grad = grad;
        }
        return ps;
    }

    [Fact]
    public void NormMatchesPyTorch()
    {
        int checkedCases = 0;
        foreach (var c in Get("clipping").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "norm"))
        {
            var ps = WithGrads();
            var nt = c.GetProperty("normType");
            double normType = nt.ValueKind == System.Text.Json.JsonValueKind.String ? double.PositiveInfinity : nt.GetDouble();
            double total = ClipGrad.Norm(ps, c.GetProperty("maxNorm").GetDouble(), normType);
            AssertClose(new[] { c.GetProperty("totalNorm").GetDouble() }, new[] { total }, 1e-12, 0);
            var grads = c.GetProperty("grads").EnumerateArray().ToArray();
            for (int i = 0; i < ps.Length; i++) AssertClose(Doubles(grads[i]), ps[i].Grad!.ToDoubleArray(), 1e-12, 1e-15);
            checkedCases++;
        }
        Assert.Equal(5, checkedCases);
    }

    [Fact]
    public void ValueMatchesPyTorch()
    {
        var c = Get("clipping").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "value");
        var ps = WithGrads();
        ClipGrad.Value(ps, c.GetProperty("clipValue").GetDouble());
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < ps.Length; i++) Assert.Equal(Doubles(grads[i]), ps[i].Grad!.ToDoubleArray());
    }

    [Fact]
    public void NormSkipsParametersWithoutGradAndChecksArguments()
    {
        var p = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        Assert.Equal(0, ClipGrad.Norm(new[] { p }, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.Norm(new[] { p }, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.Norm(new[] { p }, 1.0, normType: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.Value(new[] { p }, -0.5));
        var q = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        q.Data.Grad = Tensor.FromArray(new[] { double.NaN, 1 });
        var e = Assert.Throws<InvalidOperationException>(() => ClipGrad.Norm(new[] { q }, 1.0, errorIfNonfinite: true));
        Assert.Contains("non-finite", e.Message);
    }

    // SGD with lr 1 moves each parameter by minus its (clipped) gradient, which makes the clipping visible.
    private static (Parameter A, Parameter B) StepWith(Action<Optimizer> configure)
    {
        var a = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        var b = new Parameter(Tensor.Zeros(new[] { 2 }, DType.Float64));
        var opt = new SGD(new[] { a, b }, lr: 1.0);
        configure(opt);
        using (var scope = Tensor.Scope())
            ((a.Data * Tensor.FromArray(new double[] { 3, 4 })).Sum() + (b.Data * Tensor.FromArray(new double[] { 0.3, 0.4 })).Sum()).Backward();
        opt.Step();
        // The stored gradients are not modified by the optimizer's clipping.
        Assert.Equal(new double[] { 3, 4 }, a.Grad!.ToDoubleArray());
        return (a, b);
    }

    [Fact]
    public void KerasClipNormIsPerParameter()
    {
        // |g_a| = 5 is scaled to 1; |g_b| = 0.5 is under the limit and unchanged.
        var (a, b) = StepWith(o => o.ClipNorm = 1.0);
        AssertClose(new[] { -0.6, -0.8 }, a.Data.ToDoubleArray(), 1e-12, 1e-15);
        AssertClose(new[] { -0.3, -0.4 }, b.Data.ToDoubleArray(), 1e-12, 1e-15);
    }

    [Fact]
    public void KerasGlobalClipNormScalesAllTogether()
    {
        double global = Math.Sqrt(25 + 0.25);
        var (a, b) = StepWith(o => o.GlobalClipNorm = 1.0);
        AssertClose(new[] { -3 / global, -4 / global }, a.Data.ToDoubleArray(), 1e-12, 1e-15);
        AssertClose(new[] { -0.3 / global, -0.4 / global }, b.Data.ToDoubleArray(), 1e-12, 1e-15);
    }

    [Fact]
    public void KerasClipValueAfterClipNorm()
    {
        var (a, b) = StepWith(o => o.ClipValue = 0.35);
        AssertClose(new[] { -0.35, -0.35 }, a.Data.ToDoubleArray(), 1e-12, 1e-15);
        AssertClose(new[] { -0.3, -0.35 }, b.Data.ToDoubleArray(), 1e-12, 1e-15);
        // Norm first ([0.6, 0.8]), then value: [0.6, 0.7].
        (a, _) = StepWith(o => { o.ClipNorm = 1.0; o.ClipValue = 0.7; });
        AssertClose(new[] { -0.6, -0.7 }, a.Data.ToDoubleArray(), 1e-12, 1e-15);
    }

    [Fact]
    public void KerasClipOptionsAreValidated()
    {
        var opt = new Adam(new[] { new Parameter(Tensor.Zeros(1)) });
        opt.ClipNorm = 1;
        Assert.Throws<InvalidOperationException>(() => opt.GlobalClipNorm = 1);
        opt.ClipNorm = null;
        opt.GlobalClipNorm = 1;
        Assert.Contains("ClipValue", Assert.Throws<ArgumentOutOfRangeException>(() => opt.ClipValue = 0).Message);
    }
}
