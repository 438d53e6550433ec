using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// `--check`: proves the patched libtorch loads (torch.ones(2).sum()) and that Strata's float32 matmul agrees
/// with libtorch's on the benchmark sizes, that the seed CNN's second convolution agrees, and that one training slice
/// of the MLP lowers the loss alike in both (same data, batches, model and optimizer), so the timings compare equal work.
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
        failures += CheckConv() ? 0 : 1;
        failures += CheckTraining() ? 0 : 1;
        return failures == 0 ? 0 : 1;
    }

    private static bool CheckConv()
    {
        var g = new Generator(3);
        float[] x, w, mine;
        using (var scope = Tensor.Scope())
        {
            var tx = Tensor.Randn(new[] { 64, 32, 13, 13 }, g);
            var tw = Tensor.Randn(new[] { 64, 32, 3, 3 }, g);
            x = tx.ToArray<float>();
            w = tw.ToArray<float>();
            mine = Functional.Conv2d(tx, tw).ToArray<float>();
        }
        using var lx = torch.tensor(x, 64, 32, 13, 13);
        using var lw = torch.tensor(w, 64, 32, 3, 3);
        using var ly = torch.nn.functional.conv2d(lx, lw);
        var theirs = ly.data<float>().ToArray();
        double maxErr = 0;
        for (int i = 0; i < mine.Length; i++) maxErr = Math.Max(maxErr, Math.Abs(mine[i] - theirs[i]));
        bool ok = mine.Length == theirs.Length && maxErr <= 1e-3;
        Console.WriteLine($"conv2d [64,32,13,13]*[64,32,3,3]: max |strata - libtorch| = {maxErr:G3} {(ok ? "ok" : "MISMATCH")}");
        return ok;
    }

    private static bool CheckTraining()
    {
        string dir = TrainData.Directory(out string note);
        var train = new TrainWorkloads.Train("mlp", dir, SeedModels.StrataMlp, SeedModels.TorchMlp) { Losses = (new(), new()) };
        train.Setup();
        try
        {
            train.RunStrata();
            train.RunLibtorch();
        }
        finally
        {
            train.Teardown();
        }
        var (s, l) = train.Losses!.Value;
        // Initial weights differ (each framework's own RNG), so compare the loss after the slice, not batch by batch.
        double first = 0.5 * (s[0] + l[0]), lastS = s.TakeLast(40).Average(), lastL = l.TakeLast(40).Average();
        bool ok = Math.Abs(lastS - lastL) < 0.15 && lastS < 0.7 * first && lastL < 0.7 * first;
        string head = string.Join(", ", TrainData.Shared(dir).Slice.Take(5));
        Console.WriteLine($"train/mlp one slice ({note}), samples {head}, ...: first loss {first:F3}, mean of last 40 batches strata {lastS:F3}, libtorch {lastL:F3} {(ok ? "ok" : "MISMATCH")}");
        return ok && CheckPytorchTraining(dir, head, lastS);
    }

    /// <summary>The PyTorch peer must visit the same samples and end near Strata's loss; skipped when it is absent.</summary>
    private static bool CheckPytorchTraining(string dir, string head, double strataLoss)
    {
        if (!File.Exists(PytorchPeer.Python) || !File.Exists(PytorchPeer.ScriptPath))
        {
            Console.WriteLine("train/mlp PyTorch peer: skipped (python3 or the script is missing)");
            return true;
        }
        var psi = PytorchPeer.StartInfo("--check-train", "--threads", "2", "--data", dir);
        psi.RedirectStandardOutput = true;
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        var r = line == null ? null : System.Text.Json.Nodes.JsonNode.Parse(line);
        if (r?["slice_head"] is null)
        {
            Console.WriteLine($"train/mlp PyTorch peer: skipped (exit {p.ExitCode}, no result; torch missing?)");
            return true;
        }
        string theirHead = string.Join(", ", r["slice_head"]!.AsArray().Select(n => n!.GetValue<long>()));
        double last = r["last40_loss"]!.GetValue<double>();
        bool ok = theirHead == head && Math.Abs(last - strataLoss) < 0.15;
        Console.WriteLine($"train/mlp PyTorch peer: samples {theirHead}, ...: first loss {r["first_loss"]!.GetValue<double>():F3}, mean of last 40 batches {last:F3} {(ok ? "ok" : "MISMATCH")}");
        return ok;
    }
}
