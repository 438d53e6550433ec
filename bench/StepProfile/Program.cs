using System.Diagnostics;
using Strata;
using Strata.Backends.Cpu;
using Strata.NN;
using Strata.Optim;

namespace Strata.StepProfile;

/// <summary>
/// Where the time of one MLP 784-128-10 training step goes: whole step at 1 and 2 threads, each op forward and
/// backward, per-op dispatch overhead, batch-1 and batch-256 inference. Data is synthetic (Fashion-MNIST shapes):
/// only timing matters here. Every figure is the median of several repetitions.
/// Usage: StepProfile [--reps N]
/// </summary>
public static class Program
{
    private const int Batch = 64, Samples = 60000;

    public static int Main(string[] args)
    {
        int reps = args.Length >= 2 && args[0] == "--reps" ? int.Parse(args[1]) : 5;
        var gen = new Generator(1);
        using var data = Tensor.Rand(new[] { Samples, 784 }, gen);
        var labelArr = new long[Samples];
        var rng = new Random(2);
        for (int i = 0; i < Samples; i++) labelArr[i] = rng.Next(10);
        using var labels = Tensor.FromArray(labelArr, Samples);

        if (args.Contains("--gemm")) { GemmOnly(); return 0; }
        foreach (int threads in new[] { 1, 2 })
        {
            CpuThreadPool.Threads = threads;
            var runs = Enumerable.Range(0, reps).Select(_ => StepMs(data, labels, 300)).ToArray();
            double ms = MedianOf(runs.Select(r => r.Wall)), cpu = MedianOf(runs.Select(r => r.Cpu));
            Console.WriteLine($"step    threads={threads}  {ms * 1000,8:F1} us/step  {Batch / ms * 1000,10:F0} samples/s   (process CPU {cpu * 1000,8:F1} us/step)");
        }
        foreach (int threads in new[] { 1, 2 })
        {
            CpuThreadPool.Threads = threads;
            Console.WriteLine($"ops     threads={threads}");
            OpBreakdown(data, labels, reps);
        }
        Console.WriteLine($"dispatch add(1-elem)    {Median(reps, () => DispatchNs(false)),8:F0} ns/op");
        Console.WriteLine($"dispatch add grad(1)    {Median(reps, () => DispatchNs(true)),8:F0} ns/op");
        foreach (int threads in new[] { 1, 2 })
        {
            CpuThreadPool.Threads = threads;
            double b1 = Median(reps, () => InferUs(data, 1, 20000));
            double b256 = Median(reps, () => InferUs(data, 256, 400));
            Console.WriteLine($"infer   threads={threads}  batch-1 {b1,7:F2} us   batch-256 {256 / b256 * 1e6,10:F0} samples/s");
        }
        return 0;
    }

    private static Sequential Mlp() => new(new Dense(128, 784, generator: new Generator(3)), new ReLU(), new Dense(10, 128, generator: new Generator(4)));

    // Wall time per step and process CPU time per step (all threads): on a shared machine the CPU figure is
    // less disturbed by time slices lost to other processes.
    private static (double Wall, double Cpu) StepMs(Tensor data, Tensor labels, int steps)
    {
        var proc = Process.GetCurrentProcess();
        TimeSpan cpu0 = TimeSpan.Zero;
        var model = Mlp();
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var perm = new int[Samples];
        for (int i = 0; i < Samples; i++) perm[i] = i;
        new Random(5).Shuffle(perm);
        var idx = new long[Batch];
        double total = 0;
        for (int s = 0; s < steps + 30; s++)
        {
            if (s == 30) { proc.Refresh(); cpu0 = proc.TotalProcessorTime; }
            long t0 = Stopwatch.GetTimestamp();
            using (var scope = Tensor.Scope())
            {
                for (int i = 0; i < Batch; i++) idx[i] = perm[(s * Batch + i) % Samples];
                var it = Tensor.FromArray(idx, Batch);
                var x = data.IndexSelect(0, it);
                var y = labels.IndexSelect(0, it);
                opt.ZeroGrad();
                var loss = Functional.CrossEntropy(model.Invoke(x), y);
                loss.Backward();
                opt.Step();
            }
            if (s >= 30) total += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        proc.Refresh();
        return (total / steps, (proc.TotalProcessorTime - cpu0).TotalMilliseconds / steps);
    }

    // The step's products alone, one thread, best of 15 rounds (the minimum is the least disturbed by other processes).
    private static void GemmOnly()
    {
        foreach (int threads in new[] { 1, 2 }) GemmOnly(threads);
    }

    private static void GemmOnly(int threads)
    {
        CpuThreadPool.Threads = threads;
        Console.WriteLine($"gemm    threads={threads}");
        var x = Tensor.Rand(new[] { Batch, 784 }); var w1 = Tensor.Rand(new[] { 128, 784 }); var g1 = Tensor.Rand(new[] { Batch, 128 });
        var x1 = Tensor.Rand(new[] { 1, 784 });
        var w1t = w1.T.Contiguous();
        var cases = new (string, Action)[]
        {
            ("fwd  x[64x784]·W1T", () => Functional.Linear(x, w1)),
            ("fwd  x·(W1T copied)", () => x.Matmul(w1t)),
            ("dW1  gT[128x64]·x", () => g1.T.Matmul(x)),
            ("fwd  batch-1 x·W1T", () => Functional.Linear(x1, w1)),
        };
        var trainModel = Mlp();
        var opt = new Adam(trainModel.Parameters(), lr: 1e-3);
        using var data = Tensor.Rand(new[] { 4096, 784 });
        var labelArr = new long[4096];
        for (int i = 0; i < labelArr.Length; i++) labelArr[i] = (i * 7) % 10;
        using var labels = Tensor.FromArray(labelArr, labelArr.Length);
        var idx = new long[Batch];
        int stepNo = 0;
        void TrainStep()
        {
            for (int i = 0; i < Batch; i++) idx[i] = (stepNo * 997 + i * 61) % 4096;
            stepNo++;
            var it = Tensor.FromArray(idx, Batch);
            var xb = data.IndexSelect(0, it);
            var yb = labels.IndexSelect(0, it);
            opt.ZeroGrad();
            Functional.CrossEntropy(trainModel.Invoke(xb), yb).Backward();
            opt.Step();
        }
        var model = Mlp();
        model.Eval();
        var x256 = Tensor.Rand(new[] { 256, 784 });
        cases = cases.Concat(new (string, Action)[]
        {
            ("mlp train step b64", TrainStep),
            ("mlp infer batch-1", () => { using var ng = Autograd.GradMode.NoGrad(); model.Invoke(x1); }),
            ("mlp infer batch-256", () => { using var ng = Autograd.GradMode.NoGrad(); model.Invoke(x256); }),
            ("add 1-elem", () => x1.Narrow(1, 0, 1).Add(x1.Narrow(1, 1, 1))),
        }).ToArray();
        foreach (var (name, act) in cases)
        {
            double best = double.MaxValue;
            for (int r = 0; r < 15; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < 50; i++) { using var s = Tensor.Scope(); act(); }
                best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1000 / 50);
            }
            Console.WriteLine($"  {name,-22} {best,8:F2} us (best of 15 x 50)");
        }
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v[v.Length / 2];
    }

    private static void OpBreakdown(Tensor data, Tensor labels, int reps)
    {
        var model = Mlp();
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var d1 = (Dense)model[0]; var d2 = (Dense)model[2];
        var it = Tensor.Arange(Batch);
        var parts = new (string Name, Func<Action> Setup)[]
        {
            ("gather batch", () => () => { data.IndexSelect(0, it); labels.IndexSelect(0, it); }),
            ("zero_grad", () => () => opt.ZeroGrad()),
            ("dense1 fwd", () => { var x = data.IndexSelect(0, it); return () => d1.Invoke(x); }),
            ("relu fwd", () => { var h = Tensor.Randn(new[] { Batch, 128 }); return () => h.Relu(); }),
            ("dense2 fwd", () => { var h = Tensor.Randn(new[] { Batch, 128 }); return () => d2.Invoke(h); }),
            ("cross_entropy fwd", () => { var z = Tensor.Randn(new[] { Batch, 10 }); var y = labels.IndexSelect(0, it); return () => Functional.CrossEntropy(z, y); }),
            ("forward+loss", () => { var x = data.IndexSelect(0, it); var y = labels.IndexSelect(0, it); return () => Functional.CrossEntropy(model.Invoke(x), y); }),
            ("backward (fwd excl.)", () => { var x = data.IndexSelect(0, it); var y = labels.IndexSelect(0, it); return () => Functional.CrossEntropy(model.Invoke(x), y).Backward(); }),
            ("adam step", () => () => opt.Step()),
        };
        // Gradients must exist for the Adam step to do work.
        using (var s = Tensor.Scope()) Functional.CrossEntropy(model.Invoke(data.IndexSelect(0, it)), labels.IndexSelect(0, it)).Backward();
        var results = new Dictionary<string, double>();
        foreach (var (name, setup) in parts)
        {
            double us = Median(reps, () =>
            {
                using var scope = Tensor.Scope();
                var act = setup();
                const int n = 400;
                for (int i = 0; i < 20; i++) { using var s = Tensor.Scope(); act(); }
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < n; i++) { using var s = Tensor.Scope(); act(); }
                return Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1000 / n;
            });
            results[name] = us;
        }
        results["backward (fwd excl.)"] -= results["forward+loss"];
        foreach (var (k, v) in results) Console.WriteLine($"  {k,-22} {v,8:F1} us");
    }

    private static double DispatchNs(bool grad)
    {
        using var outer = Tensor.Scope();
        var a = Tensor.Ones(1); var b = Tensor.Ones(1);
        if (grad) a.RequiresGrad = true;
        const int n = 20000;
        for (int i = 0; i < 2000; i++) { using var s = Tensor.Scope(); a.Add(b); }
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++) { using var s = Tensor.Scope(); a.Add(b); }
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1e6 / n;
    }

    private static double InferUs(Tensor data, int batch, int n)
    {
        var model = Mlp();
        model.Eval();
        using var x = data.Narrow(0, 0, batch).Contiguous();
        using var noGrad = Autograd.GradMode.NoGrad();
        for (int i = 0; i < n / 10; i++) { using var s = Tensor.Scope(); model.Invoke(x); }
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++) { using var s = Tensor.Scope(); model.Invoke(x); }
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1000 / n;
    }

    private static double Median(int reps, Func<double> f)
    {
        var v = new double[reps];
        for (int i = 0; i < reps; i++) v[i] = f();
        Array.Sort(v);
        return v[reps / 2];
    }
}
