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
/// </summary>
public static class Program
{
    private const int Batch = 64;

    public static int Main(string[] args)
    {
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
        return Median(ts);
    }

    private static bool _quiet;

    private static void Report(string name, double ms, double flops = 0)
    {
        if (_quiet) return;
        string rate = flops > 0 ? $"   {flops / ms / 1e6,8:F1} GFLOP/s" : "";
        Console.WriteLine($"{name,-22} {ms,8:F3} ms (thread cpu {_lastCpu,8:F3} ms){rate}");
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
}
