using Strata.Backends.Cpu;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>The recurrent kernels split the batch into row blocks across threads; results must not depend on it.</summary>
[Collection("GlobalThreads")]
public class RecurrentThreadingTests
{
    private static double[][] Step(int threads)
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = threads;
        try
        {
            using var scope = Tensor.Scope();
            // Large enough for the parallel path (an odd batch leaves a short last block), small enough to be quick.
            var lstm = new LSTM(48, inputSize: 8, bidirectional: true, returnSequences: true, generator: new Generator(5));
            var x = Tensor.Randn(new[] { 37, 12, 8 }, new Generator(6));
            x.RequiresGrad = true;
            var mask = Tensor.Rand(new[] { 37, 12 }, new Generator(7)).Gt(0.2);
            var r = lstm.Run(x, mask: mask);
            (r.Output.Square().Sum() + r.Hidden.Sum() + r.Cell!.Sum()).Backward();
            var results = new List<double[]> { r.Output.ToDoubleArray(), r.Hidden.ToDoubleArray(), x.Grad!.ToDoubleArray() };
            results.AddRange(lstm.Parameters().Select(p => p.Data.Grad!.ToDoubleArray()));
            lstm.ZeroGrad();
            return results.ToArray();
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    [Fact]
    public void SameResultsForAnyThreadCount()
    {
        var one = Step(1);
        var two = Step(2);
        var three = Step(3);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i], two[i]);
            Assert.Equal(one[i], three[i]);
        }
    }
}
