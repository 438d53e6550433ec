using Strata.Backends.Cpu;
using Strata.Losses;
using Strata.NN;
using Strata.Optim;
using Xunit;

namespace Strata.Tests.Core;

/// <summary>
/// Steady-state training steps take every buffer from the pool: the pool allocates no new native memory after the
/// first steps. Runs alone (pool-wide counter), in the collection that disables parallelism.
/// </summary>
[Collection("GlobalThreads")]
public class SteadyStateTests
{
    [Fact]
    public void CnnTrainingStepAllocatesNoNewNativeMemory()
    {
        var model = new Sequential(new Conv2D(8, 3, generator: new Generator(1)), new ReLU(), new MaxPool2D(2),
            new Flatten(), new Dense(10, generator: new Generator(2)));
        var g = new Generator(3);
        var x = Tensor.Rand(new[] { 16, 1, 12, 12 }, g);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (long)(i % 10)).ToArray(), 16);
        model.Invoke(x);
        var adam = new Adam(model.Parameters(), 1e-3);
        var loss = new SparseCategoricalCrossEntropy(fromLogits: true);
        void Step()
        {
            using var scope = Tensor.Scope();
            adam.ZeroGrad();
            loss.Forward(model.Invoke(x), y).Backward();
            adam.Step();
        }
        for (int i = 0; i < 5; i++) Step();
        long before = CpuBufferPool.AllocatedBytes;
        for (int i = 0; i < 30; i++) Step();
        Assert.Equal(before, CpuBufferPool.AllocatedBytes);
    }
    // Deterministic companion of the test above: a pool rent from a parallel chunk is where a race can make a warm step
    // allocate, so none may happen. Covers the fused conv+pool path, the few-tap grouped path and the packed-GEMM
    // grouped path (72 taps), forward and backward, on a forced 2-thread pool.
    [Fact]
    public void TrainingStepKernelsNeverRentFromThePoolInsideParallelWork()
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = 2;
        try
        {
            var model = new Sequential(
                new Conv2D(8, 3, generator: new Generator(1)), new ReLU(), new MaxPool2D(2),          // 1 -> 8: fused when supported
                new Conv2D(8, 3, padding: 1, generator: new Generator(4)), new ReLU(),                  // 72 taps: packed GEMM
                new Flatten(), new Dense(10, generator: new Generator(2)));
            var small = new Sequential(new Conv2D(4, 3, generator: new Generator(5)), new ReLU(), new Flatten(),
                new Dense(10, generator: new Generator(6)));                                         // 9 taps, 10 wide: grouped few-tap
            var g = new Generator(3);
            var x = Tensor.Rand(new[] { 16, 1, 36, 36 }, g);
            var xs = Tensor.Rand(new[] { 16, 1, 12, 12 }, g);
            var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (long)(i % 10)).ToArray(), 16);
            model.Invoke(x);
            small.Invoke(xs);
            var adam = new Adam(model.Parameters().Concat(small.Parameters()), 1e-3);
            var loss = new SparseCategoricalCrossEntropy(fromLogits: true);
            long before = CpuBufferPool.RentsInParallel;
            for (int i = 0; i < 3; i++)
            {
                using var scope = Tensor.Scope();
                adam.ZeroGrad();
                (loss.Forward(model.Invoke(x), y) + loss.Forward(small.Invoke(xs), y)).Backward();
                adam.Step();
            }
            Assert.Equal(before, CpuBufferPool.RentsInParallel);
        }
        finally { CpuThreadPool.Threads = saved; }
    }
}
