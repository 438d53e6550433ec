using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// `--check`: proves the patched libtorch loads (torch.ones(2).sum()) and that Strata's float32 matmul agrees
/// with libtorch's on the benchmark sizes, so the timings compare equal work.
/// </summary>
public static class Check
{
    public static int Run()
    {
        using (var s = torch.ones(2).sum()) Console.WriteLine($"torch.ones(2).sum() = {s.item<float>()}");
        int failures = 0;
        foreach (int n in new[] { 256, 1024, 2048 })
        {
            var rng = new Random(n);
            var a = new float[n * n];
            var b = new float[n * n];
            for (int i = 0; i < a.Length; i++) { a[i] = (float)(rng.NextDouble() * 2 - 1); b[i] = (float)(rng.NextDouble() * 2 - 1); }
            float[] mine;
            using (var scope = Tensor.Scope())
                mine = Tensor.Matmul(Tensor.FromArray(a, n, n), Tensor.FromArray(b, n, n)).ToArray<float>();
            using var ta = torch.tensor(a, n, n);
            using var tb = torch.tensor(b, n, n);
            using var tc = torch.mm(ta, tb);
            var theirs = tc.data<float>().ToArray();
            double maxErr = 0;
            for (int i = 0; i < mine.Length; i++) maxErr = Math.Max(maxErr, Math.Abs(mine[i] - theirs[i]));
            bool ok = maxErr <= 1e-5 * n;
            failures += ok ? 0 : 1;
            Console.WriteLine($"matmul N={n}: max |strata - libtorch| = {maxErr:G3} {(ok ? "ok" : "MISMATCH")}");
        }
        return failures == 0 ? 0 : 1;
    }
}
