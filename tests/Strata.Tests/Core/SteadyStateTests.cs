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
}
