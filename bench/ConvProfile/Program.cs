using System.Diagnostics;
using System.Runtime.InteropServices;
using Strata;
using Strata.Backends;
using Strata.Backends.Cpu;
using Strata.Losses;
using Strata.NN;
using Strata.Optim;

namespace Strata.ConvProfile;

/// <summary>
/// Where the seed CNN's training step goes (batch 64, 1x28x28): the whole step and each conv/pool/relu part, on 1
/// and 2 threads. Usage: ConvProfile [reps] [threads...]. Prints medians; no assertions (timings are not tests).
/// Other modes: --ops THREADS [STEPS] [--layers] (the step split into forward, each backward node, Adam);
/// --gemm [REPS] (the step's GEMM shapes); --conv-panels [THREADS] [ROUNDS] [C HW O N PAD] (a 3x3 conv with the panel
/// paths off, then on);
/// --gemm-parts [ROUNDS] [KC] [MC] (single-thread N=2048, packing and
/// micro-kernel calls apart); --mlp [THREADS] (batch-256 MLP inference); --steps N (steps only, for a
/// sampling profiler); --min reports the fastest repetition instead of the median.
/// </summary>
public static class Program
{
    private const int Batch = 64;

    public static int Main(string[] args)
    {
        if (args.Length > 1 && args[0] == "--steps")
        {
            // For a sampling profiler: nothing but training steps, on 2 threads.
            CpuThreadPool.Threads = 2;
            TrainStep(int.Parse(args[1]));
            return 0;
        }
        UseMin = args.Contains("--min");
        args = args.Where(a => a != "--min").ToArray();
        if (args.Length > 0 && args[0] == "--wake") { WakeLatency(); return 0; }
        if (args.Length > 0 && args[0] == "--gemm-parts") { GemmParts.Run(args.Length > 1 ? int.Parse(args[1]) : 15, args.Length > 2 ? int.Parse(args[2]) : 0, args.Length > 3 ? int.Parse(args[3]) : 0); return 0; }
        if (args.Length > 0 && args[0] == "--fused") { FusedParts(args.Length > 1 ? int.Parse(args[1]) : 1); return 0; }
        if (args.Length > 0 && args[0] == "--lstm") { LstmStep(); return 0; }
        if (args.Length > 0 && args[0] == "--conv-panels")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;
            ConvPanels.Run(Arg(1, 1), Arg(2, 40), Arg(3, 32), Arg(4, 13), Arg(5, 64), Arg(6, 64), Arg(7, 0));
            return 0;
        }
        if (args.Length > 0 && args[0] == "--conv") { ConvAutogradParts(args.Length > 1 ? int.Parse(args[1]) : 2); return 0; }
        if (args.Length > 0 && args[0] == "--dense") { DenseParts(args.Length > 1 ? int.Parse(args[1]) : 2); return 0; }
        if (args.Length > 0 && args[0] == "--mlp") { MlpInfer(args.Length > 1 ? int.Parse(args[1]) : 2); return 0; }
        if (args.Length > 0 && args[0] == "--gemm") { GemmShapes(args.Length > 1 ? int.Parse(args[1]) : 50); return 0; }
        if (args.Length > 1 && args[0] == "--ops")
        {
            CpuThreadPool.Threads = int.Parse(args[1]);
            OpBreakdown(args.Length > 2 ? int.Parse(args[2]) : 200, args.Contains("--layers"));
            return 0;
        }
        int reps = args.Length > 0 ? int.Parse(args[0]) : 30;
        var threads = args.Length > 1 ? args.Skip(1).Select(int.Parse).ToArray() : new[] { 1, 2 };
        // Tiered JIT: the first calls run unoptimised code, so everything runs once untimed before any figure is taken.
        _quiet = true;
        for (int i = 0; i < 3; i++) { Parts(10); TrainStep(10); InferOne(3); }
        _quiet = false;
        foreach (int t in threads)
        {
            CpuThreadPool.Threads = t;
            Console.WriteLine($"--- {t} thread(s), median of {reps} ---");
            Parts(reps);
            double step = TrainStep(reps);
            Console.WriteLine($"{"train step",-22} {step,8:F3} ms (thread cpu {_lastCpu,8:F3} ms)   {Batch / step * 1000,8:F0} samples/s");
            double tail = TailStep(reps);
            Console.WriteLine($"{"tail step (dense part)",-22} {tail,8:F3} ms (thread cpu {_lastCpu,8:F3} ms)");
            InferOne(reps);
        }
        return 0;
    }

    private static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Sec, Nsec; }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec ts);

    // CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): on a shared machine it counts only the time this
    // thread ran, so single-thread figures survive other processes competing for the cores.
    private static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux() || clock_gettime(3, out var t) != 0) return double.NaN;
        return t.Sec * 1e3 + t.Nsec / 1e6;
    }

    private static double _lastCpu;

    /// <summary>Median wall ms per call; <see cref="_lastCpu"/> gets the median calling-thread CPU ms.</summary>
    private static double Time(int reps, Action a)
    {
        for (int i = 0; i < 3; i++) a();
        var ts = new List<double>();
        var cs = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            double c0 = ThreadCpuMs();
            long t0 = Stopwatch.GetTimestamp();
            a();
            ts.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            cs.Add(ThreadCpuMs() - c0);
        }
        _lastCpu = Median(cs);
        // --min: the fastest repetition, steadier than the median when other tenants load the machine.
        return UseMin ? ts.Min() : Median(ts);
    }

    private static bool _quiet;
    private static bool UseMin;

    private static void Report(string name, double ms, double flops = 0)
    {
        if (_quiet) return;
        string rate = flops > 0 ? $"   {flops / ms / 1e6,8:F1} GFLOP/s" : "";
        Console.WriteLine($"{name,-32} {ms,8:F3} ms (thread cpu {_lastCpu,8:F3} ms){rate}");
    }

    private static void Parts(int reps)
    {
        using var scope = Tensor.Scope();
        var g = new Generator(1);
        var be = BackendRegistry.For(Device.Cpu);
        var p = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
        var pool = new Pool2dParams(2, 2, 2, 2, 0, 0, 1, 1);

        var x = Tensor.Randn(new[] { Batch, 1, 28, 28 }, g);
        var w1 = Tensor.Randn(new[] { 32, 1, 3, 3 }, g); var b1 = Tensor.Randn(new[] { 32 }, g);
        var y1 = Tensor.Randn(new[] { Batch, 32, 26, 26 }, g);
        var gw1 = Tensor.Randn(new[] { 32, 1, 3, 3 }, g); var gx1 = Tensor.Randn(new[] { Batch, 1, 28, 28 }, g);
        var p1 = Tensor.Randn(new[] { Batch, 32, 13, 13 }, g);
        var i1 = Tensor.Zeros(new[] { Batch, 32, 13, 13 }, DType.Int64);
        var w2 = Tensor.Randn(new[] { 64, 32, 3, 3 }, g); var b2 = Tensor.Randn(new[] { 64 }, g);
        var y2 = Tensor.Randn(new[] { Batch, 64, 11, 11 }, g);
        var gw2 = Tensor.Randn(new[] { 64, 32, 3, 3 }, g); var gx2 = Tensor.Randn(new[] { Batch, 32, 13, 13 }, g);
        var p2 = Tensor.Randn(new[] { Batch, 64, 5, 5 }, g);
        var i2 = Tensor.Zeros(new[] { Batch, 64, 5, 5 }, DType.Int64);

        double f1 = 2.0 * Batch * 32 * 26 * 26 * 9, f2 = 2.0 * Batch * 64 * 11 * 11 * 288;
        Report("conv1 fwd", Time(reps, () => be.Conv2d(x.Desc, w1.Desc, b1.Desc, y1.Desc, p)), f1);
        Report("conv1 input-grad", Time(reps, () => be.Conv2dBackwardInput(y1.Desc, w1.Desc, gx1.Desc, p)), f1);
        Report("conv1 weight-grad", Time(reps, () => be.Conv2dBackwardWeight(x.Desc, y1.Desc, gw1.Desc, p)), f1);
        Report("conv1 bias-grad (sum)", Time(reps, () => { using var s = Tensor.Scope(); y1.Sum(new[] { 0, 2, 3 }); }));
        Report("relu1 fwd", Time(reps, () => { using var s = Tensor.Scope(); y1.Relu(); }));
        Report("relu1 fwd+bwd", Time(reps, () =>
        {
            using var s = Tensor.Scope();
            var leaf = y1.Detach(); leaf.RequiresGrad = true;
            leaf.Relu().Backward(y1);
        }));
        Report("pool1 fwd", Time(reps, () => be.MaxPool2d(y1.Desc, p1.Desc, i1.Desc, pool)));
        Report("pool1 bwd", Time(reps, () => be.MaxPool2dBackward(p1.Desc, i1.Desc, y1.Desc)));
        Report("conv2 fwd", Time(reps, () => be.Conv2d(p1.Desc, w2.Desc, b2.Desc, y2.Desc, p)), f2);
        Report("conv2 input-grad", Time(reps, () => be.Conv2dBackwardInput(y2.Desc, w2.Desc, gx2.Desc, p)), f2);
        Report("conv2 weight-grad", Time(reps, () => be.Conv2dBackwardWeight(p1.Desc, y2.Desc, gw2.Desc, p)), f2);
        var colBuf = Tensor.Empty("col", new[] { 288 * 121 }, DType.Float32, Device.Cpu);
        Report("conv2 im2col (64 img)", Time(reps, () =>
        {
            unsafe
            {
                float* src = (float*)Strata.Backends.Cpu.HostMemory.PointerOf(p1.Desc.Buffer!);
                float* col = (float*)Strata.Backends.Cpu.HostMemory.PointerOf(colBuf.Desc.Buffer!);
                for (int n = 0; n < Batch; n++)
                    ConvKernels.Im2ColImage(src + n * 32 * 169, 169, 13, 1, 32, 13, 13, 3, 3, 11, 11, 1, 1, 0, 0, 1, 1, col, 121);
            }
        }));
        // conv2's GEMM on a single image (batch-1 inference): weights [64, 288] times its im2col [288, 121].
        Report("conv2 gemm 1 image", Time(reps, () =>
        {
            unsafe
            {
                float* wp = (float*)Strata.Backends.Cpu.HostMemory.PointerOf(w2.Desc.Buffer!);
                float* col = (float*)Strata.Backends.Cpu.HostMemory.PointerOf(colBuf.Desc.Buffer!);
                float* yp = (float*)Strata.Backends.Cpu.HostMemory.PointerOf(y2.Desc.Buffer!);
                Gemm.Sgemm(64, 121, 288, wp, 288, 1, col, 121, 1, yp, 121, 1, false);
            }
        }), 2.0 * 64 * 121 * 288);
        Report("relu2 fwd", Time(reps, () => { using var s = Tensor.Scope(); y2.Relu(); }));
        Report("pool2 fwd", Time(reps, () => be.MaxPool2d(y2.Desc, p2.Desc, i2.Desc, pool)));
        var ys = Tensor.Randn(new[] { 1, 32, 26, 26 }, g);
        var ps = Tensor.Randn(new[] { 1, 32, 13, 13 }, g);
        var isml = Tensor.Zeros(new[] { 1, 32, 13, 13 }, DType.Int64);
        Report("pool1 fwd 1 image x64", Time(reps, () => { for (int i = 0; i < 64; i++) be.MaxPool2d(ys.Desc, ps.Desc, isml.Desc, pool); }));
        Report("pool2 bwd", Time(reps, () => be.MaxPool2dBackward(p2.Desc, i2.Desc, y2.Desc)));
    }

    // Batch-1 eval inference as infer/cnn/batch=1 runs it (no autograd, a scope per call), whole and per layer; a
    // rep is 100 calls, so the figures are µs per call.
    private static void InferOne(int reps)
    {
        var g = new Generator(3);
        var model = new Sequential(
            new Conv2D(32, 3, inChannels: 1, generator: g), new ReLU(), new MaxPool2D(2),
            new Conv2D(64, 3, inChannels: 32, generator: g), new ReLU(), new MaxPool2D(2),
            new Flatten(), new Dense(128, inputFeatures: 1600, generator: g), new ReLU(), new Dropout(0.5), new Dense(10, inputFeatures: 128, generator: g));
        model.Eval();
        var x = Tensor.Rand(new[] { 1, 1, 28, 28 }, g);
        using var noGrad = Strata.Autograd.GradMode.NoGrad();
        const int calls = 100;
        double whole = Time(reps, () =>
        {
            for (int i = 0; i < calls; i++) { using var s = Tensor.Scope(); model.Invoke(x); }
        }) * 1000 / calls;
        if (_quiet) return;
        Console.WriteLine($"{"infer batch=1",-22} {whole,8:F1} µs (thread cpu {_lastCpu * 1000 / calls,8:F1} µs)");
        using var keep = Tensor.Scope();
        var input = x;
        for (int l = 0; l < model.Count; l++)
        {
            var layer = model[l];
            var inp = input;
            double us = Time(reps, () =>
            {
                for (int i = 0; i < calls; i++) { using var s = Tensor.Scope(); layer.Invoke(inp); }
            }) * 1000 / calls;
            Console.WriteLine($"  {l,2} {layer.GetType().Name,-17} {us,8:F1} µs (thread cpu {_lastCpu * 1000 / calls,8:F1} µs)");
            input = layer.Invoke(inp);
        }
    }

    // The step of the model's dense tail alone (Flatten, Dense 1600-128, ReLU, Dropout, Dense 128-10, loss, Adam) on
    // pool2-shaped input: what the step costs beyond the convolution part.
    private static double TailStep(int reps) =>
        TimeTrainStep(reps, new Sequential(new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5), new Dense(10)),
            Tensor.Rand(new[] { Batch, 64, 5, 5 }, new Generator(4)));

    private static double TrainStep(int reps) =>
        TimeTrainStep(reps, new Sequential(
            new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
            new Conv2D(64, 3), new ReLU(), new MaxPool2D(2),
            new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5), new Dense(10)),
            Tensor.Rand(new[] { Batch, 1, 28, 28 }, new Generator(2)));

    /// <summary>Median time of one Adam training step of <paramref name="model"/> on <paramref name="x"/> (built first).</summary>
    private static double TimeTrainStep(int reps, Sequential model, Tensor x)
    {
        var labels = new long[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = i % 10;
        var y = Tensor.FromArray(labels, Batch);
        using (Tensor.Scope()) model.Invoke(x);
        model.Train();
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var loss = new SparseCategoricalCrossEntropy(fromLogits: true);
        return Time(reps, () =>
        {
            using var s = Tensor.Scope();
            opt.ZeroGrad();
            loss.Forward(model.Invoke(x), y).Backward();
            opt.Step();
        });
    }

    // Per-layer forward and per-node backward times of the full training step (means over the steps after warm-up),
    // so the parts add up to the step rather than being timed in isolation.
    private static void OpBreakdown(int steps, bool perLayer)
    {
        var model = new Sequential(
            new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
            new Conv2D(64, 3), new ReLU(), new MaxPool2D(2),
            new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5), new Dense(10));
        var x = Tensor.Rand(new[] { Batch, 1, 28, 28 }, new Generator(2));
        var labels = new long[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = i % 10;
        var y = Tensor.FromArray(labels, Batch);
        using (Tensor.Scope()) model.Invoke(x);
        model.Train();
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var loss = new SparseCategoricalCrossEntropy(fromLogits: true);
        var fwd = new double[model.Count];
        var bwd = new Dictionary<string, double>();
        double lossMs = 0, backMs = 0, stepMs = 0, zeroMs = 0, scopeMs = 0, total = 0;
        bool record = false;
        Strata.Autograd.Engine.NodeTimer = (node, ticks) =>
        {
            if (!record) return;
            string op = $"{node.Op} [{string.Join(",", node.OutputShape)}]";
            bwd[op] = bwd.GetValueOrDefault(op) + ticks * 1000.0 / Stopwatch.Frequency;
        };
        int warm = 30;
        for (int s = 0; s < steps + warm; s++)
        {
            record = s >= warm;
            long t0 = Stopwatch.GetTimestamp(), ta = t0;
            double Lap() { long now = Stopwatch.GetTimestamp(); double ms = (now - ta) * 1000.0 / Stopwatch.Frequency; ta = now; return ms; }
            var scope = Tensor.Scope();
            opt.ZeroGrad();
            double z = Lap();
            var f = new double[model.Count];
            Tensor h;
            if (perLayer) { h = x; for (int l = 0; l < model.Count; l++) { h = model[l].Invoke(h); f[l] = Lap(); } }
            else { h = model.Invoke(x); f[0] = Lap(); }
            var lv = loss.Forward(h, y);
            double lm = Lap();
            lv.Backward();
            double bm = Lap();
            opt.Step();
            double sm = Lap();
            scope.Dispose();
            double dm = Lap();
            if (!record) continue;
            for (int l = 0; l < model.Count; l++) fwd[l] += f[l];
            zeroMs += z; lossMs += lm; backMs += bm; stepMs += sm; scopeMs += dm;
            total += (Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency;
        }
        Strata.Autograd.Engine.NodeTimer = null;
        Console.WriteLine($"--- {CpuThreadPool.Threads} thread(s), mean of {steps} steps: {total / steps:F3} ms/step ---");
        Console.WriteLine($"{"zero grad",-28} {zeroMs / steps,8:F3} ms");
        if (perLayer) for (int l = 0; l < model.Count; l++) Console.WriteLine($"fwd {l,2} {model[l].GetType().Name,-21} {fwd[l] / steps,8:F3} ms");
        else Console.WriteLine($"{"forward (Sequential)",-28} {fwd[0] / steps,8:F3} ms");
        Console.WriteLine($"{"loss fwd",-28} {lossMs / steps,8:F3} ms");
        Console.WriteLine($"{"backward (all)",-28} {backMs / steps,8:F3} ms");
        foreach (var (op, ms) in bwd.OrderByDescending(kv => kv.Value)) Console.WriteLine($"  bwd {op,-30} {ms / steps,8:F3} ms");
        Console.WriteLine($"{"  (engine + leaf accumulate)",-28} {(backMs - bwd.Values.Sum()) / steps,8:F3} ms");
        Console.WriteLine($"{"adam step",-28} {stepMs / steps,8:F3} ms");
        Console.WriteLine($"{"scope dispose",-28} {scopeMs / steps,8:F3} ms");
    }

    // The GEMM shapes of the seed CNN's training step (Dense 1600-128 at batch 64 and conv2's products), 1 and 2 threads.
    // How long after a dispatch the pool's worker starts a chunk, by how long the pool was idle before: the caller's
    // chunk waits (up to 20 ms) for the other chunk to be claimed, so the worker's start is always observed.
    private static void WakeLatency()
    {
        CpuThreadPool.Threads = 2;
        foreach (double gapUs in new[] { 0.0, 20, 100, 1000, 10000 })
        {
            var delays = new List<double>();
            for (int rep = 0; rep < 60; rep++)
            {
                var gap = Stopwatch.StartNew();
                if (gapUs >= 1000) Thread.Sleep((int)(gapUs / 1000));
                else while (gap.Elapsed.TotalMicroseconds < gapUs) { }
                long t0 = Stopwatch.GetTimestamp();
                long workerStart = 0;
                int claimed = 0;
                CpuThreadPool.For(2, i =>
                {
                    if (Interlocked.Increment(ref claimed) == 2) { Volatile.Write(ref workerStart, Stopwatch.GetTimestamp()); return; }
                    var w = Stopwatch.StartNew();
                    while (Volatile.Read(ref claimed) < 2 && w.ElapsedMilliseconds < 20) { }
                });
                if (workerStart != 0) delays.Add((workerStart - t0) * 1e6 / Stopwatch.Frequency);
            }
            delays.Sort();
            Console.WriteLine($"idle {gapUs,7:F0} µs before dispatch: second chunk started after median {delays[delays.Count / 2],8:F1} µs, p90 {delays[delays.Count * 9 / 10],8:F1} µs");
        }
    }

    private static unsafe void GemmShapes(int reps)
    {
        var g = new Generator(5);
        var big = Tensor.Rand(new[] { 1 << 23 }, g);
        var out1 = Tensor.Zeros(new[] { 1 << 22 });
        float* a = (float*)HostMemory.PointerOf(big.Desc.Buffer!);
        float* b = a + (1 << 22);
        float* c = (float*)HostMemory.PointerOf(out1.Desc.Buffer!);
        var cases = new (string Name, int M, int N, int K, int Rsa, int Csa, int Rsb, int Csb)[]
        {
            ("mlp x·Wt 256x128x784", 256, 128, 784, 784, 1, 1, 784),
            ("mlp xT-major 256x128x784", 256, 128, 784, 1, 256, 1, 784),
            ("mlp B row-major 256x128x784", 256, 128, 784, 784, 1, 128, 1),
            ("mlp both cheap 256x128x784", 256, 128, 784, 1, 256, 128, 1),
            ("square 1024", 1024, 1024, 1024, 1024, 1, 1024, 1),
            ("square 512", 512, 512, 512, 512, 1, 512, 1),
            ("dense fwd x·Wt 64x128x1600", 64, 128, 1600, 1600, 1, 1, 1600),
            ("dense dx g·W 64x1600x128", 64, 1600, 128, 128, 1, 1600, 1),
            ("dense dW gT·x 128x1600x64", 128, 1600, 64, 1, 128, 1600, 1),
            ("conv2 fwd 3img 64x363x288", 64, 363, 288, 288, 1, 363, 1),
            ("conv2 fwd all 64x7744x288", 64, 7744, 288, 288, 1, 7744, 1),
            ("conv2 fwd 8img 64x968x288", 64, 968, 288, 288, 1, 968, 1),
            ("conv2 fwd 16img 64x1936x288", 64, 1936, 288, 288, 1, 1936, 1),
            ("conv2 dW all 64x288x7744", 64, 288, 7744, 7744, 1, 1, 7744),
            ("conv2 dx all 288x7744x64", 288, 7744, 64, 1, 288, 7744, 1),
            ("conv2 fwdT all 7744x64x288", 7744, 64, 288, 1, 7744, 1, 288),
            ("conv2 dx 3img 288x363x64", 288, 363, 64, 1, 288, 363, 1),
            ("conv2 dW 8img 64x288x968", 64, 288, 968, 968, 1, 1, 968),
            // The same products with positions as rows (A = the lowered input read transposed, C = [positions, channels]).
            ("conv2 fwdT 3img 363x64x288", 363, 64, 288, 1, 363, 1, 288),
            ("conv2 fwdT 8img 968x64x288", 968, 64, 288, 1, 968, 1, 288),
            ("conv2 dWT 3img 288x64x363", 288, 64, 363, 363, 1, 1, 363),
            ("conv2 dxT 3img 363x288x64", 363, 288, 64, 1, 363, 288, 1),
        };
        foreach (int t in new[] { 1, 2 })
        {
            CpuThreadPool.Threads = t;
            foreach (var cs in cases)
            {
                double ms = Time(reps, () => Gemm.Sgemm(cs.M, cs.N, cs.K, a, cs.Rsa, cs.Csa, b, cs.Rsb, cs.Csb, c, cs.N, 1, false));
                Report($"t{t} {cs.Name}", ms, 2.0 * cs.M * cs.N * cs.K);
            }
        }
    }

    // Batch-256 MLP inference (infer/mlp/batch=256): whole model, each layer, and the first layer's bare GEMM.
    // The batch-256 MLP's first layer taken apart, 2 threads, inference: bare GEMM, Dense without and with bias, the
    // bias add alone, the whole model; rounds alternate so drift hits all alike.
    private static unsafe void DenseParts(int threads)
    {
        CpuThreadPool.Threads = threads;
        var g = new Generator(3);
        var withBias = new Dense(128, 784, generator: g);
        var noBias = new Dense(128, 784, useBias: false, generator: g);
        var model = new Sequential(new Flatten(), new Dense(128, 784, generator: g), new ReLU(), new Dense(10, 128, generator: g));
        model.Eval();
        var x = Tensor.Rand(new[] { 256, 784 }, g);
        var x4 = Tensor.Rand(new[] { 256, 1, 28, 28 }, g);
        var yb = Tensor.Zeros(new[] { 256, 128 });
        var bias = withBias.Bias!.Data;
        var w = withBias.Weight.Data;
        float* xp = (float*)HostMemory.PointerOf(x.Desc.Buffer!), wp = (float*)HostMemory.PointerOf(w.Desc.Buffer!), yp = (float*)HostMemory.PointerOf(yb.Desc.Buffer!);
        float* bp = (float*)HostMemory.PointerOf(bias.Desc.Buffer!) + bias.Desc.Offset;
        using var noGrad = Strata.Autograd.GradMode.NoGrad();
        const int calls = 50;
        var parts = new (string Name, Action Run)[]
        {
            ("bare gemm", () => Gemm.Sgemm(256, 128, 784, xp, 784, 1, wp, 1, 784, yp, 128, 1, false)),
            ("bare gemm + bias", () => Gemm.Sgemm(256, 128, 784, xp, 784, 1, wp, 1, 784, yp, 128, 1, false, bias: bp)),
            ("Dense no bias", () => { using var s = Tensor.Scope(); noBias.Invoke(x); }),
            ("Dense with bias", () => { using var s = Tensor.Scope(); withBias.Invoke(x); }),
            ("bias add alone", () => yb.AddInPlace(bias)),
            ("whole MLP", () => { using var s = Tensor.Scope(); model.Invoke(x4); }),
        };
        var med = parts.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < 15; round++)
            for (int q = 0; q < parts.Length; q++)
            {
                var run = parts[q].Run;
                med[q].Add(Time(5, () => { for (int i = 0; i < calls; i++) run(); }) * 1000 / calls);
            }
        for (int q = 0; q < parts.Length; q++)
        {
            med[q].Sort();
            Console.WriteLine($"{parts[q].Name,-18} median {med[q][med[q].Count / 2],7:F1} µs  best {med[q][0],7:F1} µs");
        }
    }

    /// <summary>
    /// The bench's conv2d/fwd-bwd/seed-cnn workload (conv2 alone through autograd, batch 64) next to its parts called
    /// on the backend directly, alternating, so the autograd path's overhead over its kernels shows.
    /// </summary>
    private static void ConvAutogradParts(int threads)
    {
        CpuThreadPool.Threads = threads;
        var g = new Generator(5);
        var be = BackendRegistry.For(Device.Cpu);
        var p = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
        var x = Tensor.Randn(new[] { Batch, 32, 13, 13 }, g);
        var w = Tensor.Randn(new[] { 64, 32, 3, 3 }, g) * 0.05;
        var b = Tensor.Zeros(64);
        var gy = Tensor.Ones(Batch, 64, 11, 11);
        var y = Tensor.Zeros(new[] { Batch, 64, 11, 11 });
        var gx = Tensor.Zeros(new[] { Batch, 32, 13, 13 });
        var gw = Tensor.Zeros(new[] { 64, 32, 3, 3 });
        foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
        var parts = new (string Name, Action Run)[]
        {
            ("autograd fwd+bwd", () =>
            {
                foreach (var t in new[] { x, w, b }) { t.Grad?.Dispose(); t.Grad = null; }
                using var s = Tensor.Scope();
                Functional.Conv2d(x, w, b).Backward(gy);
            }),
            ("autograd fwd only", () => { using var s = Tensor.Scope(); using var ng = Strata.Autograd.GradMode.NoGrad(); Functional.Conv2d(x, w, b); }),
            ("kernel fwd", () => be.Conv2d(x.Desc, w.Desc, b.Desc, y.Desc, p)),
            ("kernel input-grad", () => be.Conv2dBackwardInput(gy.Desc, w.Desc, gx.Desc, p)),
            ("kernel weight-grad", () => be.Conv2dBackwardWeight(x.Desc, gy.Desc, gw.Desc, p)),
            ("bias-grad (sum)", () => { using var s = Tensor.Scope(); gy.Sum(new[] { 0, 2, 3 }); }),
        };
        var med = parts.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < 11; round++)
            for (int q = 0; q < parts.Length; q++)
                med[q].Add(Time(5, parts[q].Run));
        for (int q = 0; q < parts.Length; q++)
        {
            med[q].Sort();
            Console.WriteLine($"{parts[q].Name,-20} median {med[q][med[q].Count / 2],7:F3} ms  best {med[q][0],7:F3} ms");
        }
        // As the bench runs it: one call after the other frameworks' reps, i.e. after the pool's workers have slept.
        foreach (int idleMs in new[] { 0, 2, 20 })
        {
            var ts = new List<double>();
            for (int i = 0; i < 21; i++)
            {
                if (idleMs > 0) Thread.Sleep(idleMs);
                long t0 = Stopwatch.GetTimestamp();
                parts[0].Run();
                ts.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            Console.WriteLine($"autograd fwd+bwd after {idleMs,2} ms idle: median {Median(ts),7:F3} ms");
        }
    }

    /// <summary>The bench's lstm/step (LSTM 64→128, batch 32, 50 steps, MSE, Adam) on 1 and 2 threads, alternating.</summary>
    private static void LstmStep()
    {
        var g = new Generator(7);
        var lstm = new Strata.NN.LSTM(128, inputSize: 64, returnSequences: true, generator: g);
        var x = Tensor.Randn(new[] { 32, 50, 64 }, g);
        var target = Tensor.Randn(new[] { 32, 50, 128 }, g);
        var adam = new Strata.Optim.Adam(lstm.Parameters(), 1e-3);
        Action step = () =>
        {
            using var s = Tensor.Scope();
            adam.ZeroGrad();
            (lstm.Invoke(x) - target).Square().Mean().Backward();
            adam.Step();
        };
        Action fwd = () => { using var s = Tensor.Scope(); using var ng = Strata.Autograd.GradMode.NoGrad(); lstm.Invoke(x); };
        var med = new List<double>[4];
        for (int i = 0; i < 4; i++) med[i] = new List<double>();
        for (int round = 0; round < 9; round++)
            for (int t = 1; t <= 2; t++)
            {
                CpuThreadPool.Threads = t;
                med[t - 1].Add(Time(5, step));
                med[t + 1].Add(Time(5, fwd));
            }
        Console.WriteLine($"lstm step   1 thread {Median(med[0]),7:F3} ms   2 threads {Median(med[1]),7:F3} ms");
        Console.WriteLine($"lstm fwd    1 thread {Median(med[2]),7:F3} ms   2 threads {Median(med[3]),7:F3} ms");
    }

    private static unsafe void MlpInfer(int threads)
    {
        CpuThreadPool.Threads = threads;
        var g = new Generator(3);
        var model = new Sequential(new Dense(128, 784, generator: g), new ReLU(), new Dense(10, 128, generator: g));
        model.Eval();
        var x = Tensor.Rand(new[] { 256, 784 }, g);
        using var noGrad = Strata.Autograd.GradMode.NoGrad();
        const int calls = 50;
        for (int round = 0; round < 3; round++)
        {
            double whole = Time(20, () => { for (int i = 0; i < calls; i++) { using var s = Tensor.Scope(); model.Invoke(x); } }) * 1000 / calls;
            Console.WriteLine($"mlp b256 whole {whole,8:F1} µs  {256 / whole * 1e6,10:F0} samples/s");
            var h = x;
            using var keep = Tensor.Scope();
            for (int l = 0; l < model.Count; l++)
            {
                var layer = model[l]; var inp = h;
                double us = Time(20, () => { for (int i = 0; i < calls; i++) { using var s = Tensor.Scope(); layer.Invoke(inp); } }) * 1000 / calls;
                Console.WriteLine($"  {l} {layer.GetType().Name,-8} {us,8:F1} µs");
                h = layer.Invoke(inp);
            }
            var w = ((Dense)model[0]).Weight.Data;
            var y = Tensor.Zeros(new[] { 256, 128 });
            float* xp = (float*)HostMemory.PointerOf(x.Desc.Buffer!), wp = (float*)HostMemory.PointerOf(w.Desc.Buffer!), yp = (float*)HostMemory.PointerOf(y.Desc.Buffer!);
            double gemm = Time(20, () => { for (int i = 0; i < calls; i++) Gemm.Sgemm(256, 128, 784, xp, 784, 1, wp, 1, 784, yp, 128, 1, false); }) * 1000 / calls;
            Console.WriteLine($"  gemm 256x128x784 {gemm,8:F1} µs  {2.0 * 256 * 128 * 784 / gemm / 1e3,6:F1} GFLOP/s");
        }
    }

    // conv1 + pool1 of the seed CNN, fused kernel against the unfused ops it replaces (fastest of 40 repetitions each, so
    // the two can be compared within one run on a noisy machine).
    // MEDIAN=1: medians instead of the fastest repetition (cold-cache effects show in medians).
    private static readonly bool FusedMedian = Environment.GetEnvironmentVariable("MEDIAN") == "1";
    private static void FusedParts(int threads)
    {
        CpuThreadPool.Threads = threads;
        using var scope = Tensor.Scope();
        var g = new Generator(1);
        var be = BackendRegistry.For(Device.Cpu);
        var p = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
        var pool = new Pool2dParams(2, 2, 2, 2, 0, 0, 1, 1);
        var x = Tensor.Randn(new[] { Batch, 1, 28, 28 }, g);
        var w1 = Tensor.Randn(new[] { 32, 1, 3, 3 }, g); var b1 = Tensor.Randn(new[] { 32 }, g);
        var y1 = Tensor.Randn(new[] { Batch, 32, 26, 26 }, g);
        var gw1 = Tensor.Zeros(new[] { 32, 1, 3, 3 });
        var p1 = Tensor.Randn(new[] { Batch, 32, 13, 13 }, g);
        var i64 = Tensor.Zeros(new[] { Batch, 32, 13, 13 }, DType.Int64);
        var i32 = Tensor.Zeros(new[] { Batch, 32, 13, 13 }, DType.Int32);
        var gp = Tensor.Randn(new[] { Batch, 32, 13, 13 }, g);
        UseMin = !FusedMedian;
        for (int round = 0; round < 2; round++)
        {
            Report("unfused conv1 fwd", Time(40, () => be.Conv2d(x.Desc, w1.Desc, b1.Desc, y1.Desc, p)));
            Report("unfused pool1 fwd", Time(40, () => be.MaxPool2d(y1.Desc, p1.Desc, i64.Desc, pool)));
            Report("unfused pool1 bwd", Time(40, () => be.MaxPool2dBackward(gp.Desc, i64.Desc, y1.Desc)));
            Report("unfused conv1 wgrad", Time(40, () => be.Conv2dBackwardWeight(x.Desc, y1.Desc, gw1.Desc, p)));
            Report("fused conv1+pool1 fwd", Time(40, () => be.Conv2dMaxPool2x2(x.Desc, w1.Desc, b1.Desc, p1.Desc, i32.Desc, p)));
            Report("fused wgrad", Time(40, () => be.Conv2dMaxPool2x2BackwardWeight(x.Desc, gp.Desc, i32.Desc, gw1.Desc, p)));
            // A 32 MB pass first leaves the operands cold, as a training step's backward finds them.
            var big = Tensor.Randn(new[] { 8 << 20 }, g);
            Report("evict (32 MB scale)", Time(40, () => { using var s2 = Tensor.Scope(); big.Mul(1.0001f); }));
            Report("evict + fused wgrad", Time(40, () =>
            {
                using (Tensor.Scope()) big.Mul(1.0001f);
                be.Conv2dMaxPool2x2BackwardWeight(x.Desc, gp.Desc, i32.Desc, gw1.Desc, p);
            }));
            Report("evict + fused fwd", Time(40, () =>
            {
                using (Tensor.Scope()) big.Mul(1.0001f);
                be.Conv2dMaxPool2x2(x.Desc, w1.Desc, b1.Desc, p1.Desc, i32.Desc, p);
            }));
            Report("evict + unfused wgrad", Time(40, () =>
            {
                using (Tensor.Scope()) big.Mul(1.0001f);
                be.Conv2dBackwardWeight(x.Desc, y1.Desc, gw1.Desc, p);
            }));
            using (var small = (gp * 1e-6f).Relu())
                Report("fused wgrad tiny g", Time(40, () => be.Conv2dMaxPool2x2BackwardWeight(x.Desc, small.Desc, i32.Desc, gw1.Desc, p)));
        }
    }
}
