using TorchSharp;

namespace Strata.TorchParity;

/// <summary>Copies values between Strata and libtorch tensors and compares them.</summary>
internal static class Bridge
{
    public static torch.Tensor ToTorch(Tensor t, bool requiresGrad = false)
    {
        var shape = t.Shape.ToArray().Select(d => (long)d).ToArray();
        var r = t.DType == DType.Float64
            ? torch.tensor(t.ToArray<double>(), shape, torch.float64)
            : torch.tensor(t.To(DType.Float32).ToArray<float>(), shape, torch.float32);
        return requiresGrad ? r.requires_grad_() : r;
    }

    public static double[] Values(torch.Tensor t) =>
        t.dtype == torch.float64 ? t.detach().contiguous().data<double>().ToArray() : t.detach().to_type(torch.float64).contiguous().data<double>().ToArray();

    public static double[] Values(Tensor t) => t.To(DType.Float64).ToArray<double>();

    /// <summary>Copies Strata's parameters into the libtorch module's parameters of the same (PyTorch) name.</summary>
    public static void CopyWeights(Strata.NN.Module strata, torch.nn.Module torchModule)
    {
        var mine = strata.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var theirs = torchModule.named_parameters().ToList();
        Xunit.Assert.Equal(theirs.Select(p => p.name).OrderBy(n => n, StringComparer.Ordinal), mine.Keys.OrderBy(n => n, StringComparer.Ordinal));
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in theirs)
        {
            using var src = ToTorch(mine[name].Data);
            Xunit.Assert.Equal(p.shape, src.shape);
            p.copy_(src);
        }
    }

    /// <summary>
    /// Asserts |strata − torch| ≤ rtol·(|torch| + max|torch|) elementwise: 1e-5 relative to each value, with values far
    /// below the tensor's scale judged against that scale (float32 rounding makes tiny entries meaningless alone).
    /// </summary>
    public static void AssertClose(string what, double[] expected, double[] actual, double rtol = 1e-5)
    {
        Xunit.Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, libtorch has {expected.Length}.");
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]) / (Math.Abs(expected[i]) + scale + 1e-30);
            if (err > worst || double.IsNaN(err)) { worst = err; at = i; }
        }
        Xunit.Assert.True(worst <= rtol, $"{what}: relative error {worst:E2} at element {at} (libtorch {expected[Math.Max(at, 0)]:G9}, Strata {actual[Math.Max(at, 0)]:G9}); allowed {rtol:E0}.");
    }
}
