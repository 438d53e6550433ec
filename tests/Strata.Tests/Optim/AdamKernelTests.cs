using Strata;
using Strata.NN;
using Strata.Optim;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Optim;

/// <summary>
/// The fused Adam kernel (contiguous parameters) against the composite tensor-op path (taken by a transposed,
/// non-contiguous parameter), which the PyTorch reference tests cover: every option, lengths with a SIMD tail.
/// </summary>
public class AdamKernelTests
{
    [Theory]
    [InlineData(DType.Float32, 0.0, false, false)]
    [InlineData(DType.Float32, 0.1, false, true)]
    [InlineData(DType.Float64, 0.1, true, false)]
    [InlineData(DType.Float64, 0.05, true, true)]
    [InlineData(DType.Float32, 0.1, false, true, 301, 257)] // 77K elements: split over threads in 32K chunks, a short last one
    public void FusedMatchesComposite(DType dtype, double weightDecay, bool decoupled, bool amsgrad, int rows = 7, int cols = 11)
    {
        // 7 x 11 = 77 elements: vector body plus a scalar tail
        var init = Leaf(1, rows, cols).To(dtype).Detach();
        var fused = new Parameter(init.Clone());
        var composite = new Parameter(init.Transpose(0, 1).Contiguous().Transpose(0, 1));
        Assert.True(fused.Data.IsContiguous);
        Assert.False(composite.Data.IsContiguous);
        Optimizer MakeOpt(Parameter p) => decoupled
            ? new AdamW(new[] { p }, lr: 0.01, weightDecay: weightDecay, amsgrad: amsgrad)
            : new Adam(new[] { p }, lr: 0.01, weightDecay: weightDecay, amsgrad: amsgrad);
        var optF = MakeOpt(fused);
        var optC = MakeOpt(composite);
        for (int step = 0; step < 4; step++)
        {
            var c = Leaf((ulong)(10 + step), rows, cols).To(dtype).Detach();
            foreach (var (p, opt) in new[] { (fused, optF), (composite, optC) })
            {
                opt.ZeroGrad();
                using (var scope = Tensor.Scope()) (p.Data * c).Sum().Backward();
                opt.Step();
            }
        }
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-13;
        AssertClose(composite.Data.Contiguous().ToDoubleArray(), fused.Data.ToDoubleArray(), tol, tol);
        Assert.NotEqual(init.ToDoubleArray(), fused.Data.ToDoubleArray());
    }
}
