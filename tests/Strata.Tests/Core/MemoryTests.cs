using Strata;
using Strata.Autograd;
using Strata.Backends.Cpu;
using Xunit;
using Xunit.Abstractions;

namespace Strata.Tests.Core;

/// <summary>Scopes release what they own; Keep and Return hand tensors out; nesting works.</summary>
public class ScopeTests
{
    [Fact]
    public void TensorsCreatedInAScopeAreReleasedAtItsEnd()
    {
        Tensor a, b, view;
        using (var scope = Tensor.Scope())
        {
            a = Tensor.Ones(3);
            b = a.Mul(2.0);
            view = b.Reshape(3, 1);
            Assert.Same(scope, TensorScope.Current);
            Assert.Equal(3, scope.Count);
        }
        Assert.True(a.IsDisposed);
        Assert.True(b.IsDisposed);
        Assert.True(view.IsDisposed);
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void KeepAndReturn()
    {
        Tensor kept, returned, inner;
        using (var outer = Tensor.Scope())
        {
            using (var s = Tensor.Scope())
            {
                kept = s.Keep(Tensor.Full(new[] { 2 }, 5));
                returned = s.Return(Tensor.Full(new[] { 2 }, 6));
                inner = Tensor.Ones(2);
                Assert.Equal(1, s.Count);
            }
            Assert.True(inner.IsDisposed);
            Assert.False(returned.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(new float[] { 6, 6 }, returned.ToArray<float>());
            Assert.Equal(1, outer.Count);
        }
        Assert.True(returned.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.Equal(new float[] { 5, 5 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.True(kept.IsDisposed);

        // Return from an outermost scope hands the tensor to the caller.
        Tensor free;
        using (var s = Tensor.Scope()) free = s.Return(Tensor.Ones(1));
        Assert.False(free.IsDisposed);
        free.Dispose();
    }

    [Fact]
    public void NestedScopesAndViewsOfReleasedBases()
    {
        Tensor outerT, view;
        using (var outer = Tensor.Scope())
        {
            outerT = Tensor.Arange(0, 6, 1).Reshape(2, 3);
            using (var inner = Tensor.Scope())
            {
                var t = Tensor.Ones(2);
                Assert.Same(inner, TensorScope.Current);
                view = inner.Keep(outerT.T);
                Assert.False(t.IsDisposed);
            }
            Assert.Same(outer, TensorScope.Current);
            Assert.False(outerT.IsDisposed);
        }
        Assert.True(outerT.IsDisposed);
        // The kept view holds its own reference to the buffer, so it stays readable.
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, view.ToArray<float>());
        view.Dispose();
    }

    [Fact]
    public void ScopesMustCloseInOrder()
    {
        var outer = Tensor.Scope();
        var inner = Tensor.Scope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void GradsOfLeavesOutliveTheStepScope()
    {
        var w = Tensor.FromArray(new double[] { 1, 2 });
        w.RequiresGrad = true;
        using (var s = Tensor.Scope()) w.Square().Sum().Backward();
        Assert.NotNull(w.Grad);
        Assert.Equal(new double[] { 2, 4 }, w.Grad!.ToArray<double>());
        w.Dispose();
        Assert.Null(w.Grad);
    }
}

/// <summary>The bound: a small MLP training step allocates under 16 KB of managed memory in steady state.</summary>
[Collection("GlobalThreads")]
public class TrainingAllocationTests
{
    private readonly ITestOutputHelper _out;
    public TrainingAllocationTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MlpTrainingStepAllocatesLittleAndLearns(int threads)
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = threads;
        var x = Tensor.Uniform(new[] { 64, 784 }, 0, 1, new Generator(1));
        var target = Tensor.Normal(new[] { 64, 10 }, 0, 1, new Generator(2));
        var w1 = Tensor.Normal(new[] { 784, 128 }, 0, 1.0 / Math.Sqrt(784), new Generator(3));
        var b1 = Tensor.Zeros(128);
        var w2 = Tensor.Normal(new[] { 128, 10 }, 0, 1.0 / Math.Sqrt(128), new Generator(4));
        var b2 = Tensor.Zeros(10);
        var ps = new[] { w1, b1, w2, b2 };
        foreach (var p in ps) p.RequiresGrad = true;
        const double lr = 0.05;
        try
        {
            double Step()
            {
                using var scope = Tensor.Scope();
                var h = x.Matmul(w1).Add(b1).Relu();
                var o = h.Matmul(w2).Add(b2);
                var loss = o.Sub(target).Square().Mean();
                loss.Backward();
                using (GradMode.NoGrad())
                    foreach (var p in ps)
                    {
                        p.AddInPlace(p.Grad!, -lr);
                        p.Grad!.Zero_();
                    }
                return loss.Item();
            }

            double first = Step();
            for (int i = 0; i < 20; i++) Step();
            const int steps = 50;
            double last = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) last = Step();
            long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
            _out.WriteLine($"loss {first:G6} -> {last:G6}; {perStep} bytes allocated per step");
            Assert.True(perStep < 16 * 1024, $"{perStep} bytes allocated per training step (bound 16384)");
            Assert.True(last < 0.7 * first, $"loss did not decrease enough: {first} -> {last}");
        }
        finally
        {
            CpuThreadPool.Threads = saved;
            foreach (var p in ps) p.Dispose();
            x.Dispose();
            target.Dispose();
        }
    }
}
