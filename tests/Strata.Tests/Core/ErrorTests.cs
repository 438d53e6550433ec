using Strata;
using Strata.Autograd;
using Xunit;

namespace Strata.Tests.Core;

/// <summary>Misuse fails with the right exception type and a message naming the op and the shapes.</summary>
public class ErrorTests
{
    [Fact]
    public void AddShapeMismatch()
    {
        using var scope = Tensor.Scope();
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Add(Tensor.Zeros(4)));
        Assert.Contains("add", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Mul(Tensor.Zeros(3, 2)));
        Assert.Contains("mul", ex2.Message);
        Assert.Contains("[3, 2]", ex2.Message);
    }

    [Fact]
    public void MatmulShapeAndDTypeMismatch()
    {
        using var scope = Tensor.Scope();
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Matmul(Tensor.Zeros(4, 5)));
        Assert.Contains("matmul", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4, 5]", ex.Message);
        var exb = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2, 3).Matmul(Tensor.Zeros(3, 3, 4)));
        Assert.Contains("matmul", exb.Message);
        var ex1 = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Matmul(Tensor.Zeros(4)));
        Assert.Contains("matmul", ex1.Message);
        Assert.Contains("[3]", ex1.Message);
        Assert.Contains("[4]", ex1.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Matmul(Tensor.Zeros(new[] { 3, 2 }, DType.Float64)));
        Assert.Contains("matmul", ex2.Message);
        Assert.Contains("float32", ex2.Message);
        Assert.Contains("float64", ex2.Message);
        Assert.Contains("[2, 3]", ex2.Message);
        Assert.Contains("[3, 2]", ex2.Message);
    }

    [Fact]
    public void ReshapeShapeMismatch()
    {
        using var scope = Tensor.Scope();
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(4, 2));
        Assert.Contains("reshape", ex.Message);
        Assert.Contains("[4, 2]", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).View(-1, 4));
        Assert.Contains("view", ex2.Message);
        Assert.Contains("[-1, 4]", ex2.Message);
    }

    [Fact]
    public void OutOfRangeDims()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Zeros(2, 3);
        foreach (var (op, act) in new (string, Action)[]
        {
            ("sum", () => x.Sum(2)),
            ("mean", () => x.Mean(-3)),
            ("transpose", () => x.Transpose(0, 2)),
            ("select", () => x.Select(5, 0)),
            ("permute", () => x.Permute(0, 2)),
            ("squeeze", () => x.Squeeze(2)),
            ("size", () => x.Size(-3)),
            ("logsumexp", () => x.LogSumExp(3)),
        })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(act);
            Assert.Contains(op, ex.Message);
            Assert.Contains("[2, 3]", ex.Message);
        }
        var u = Assert.Throws<ArgumentOutOfRangeException>(() => x.Unsqueeze(4));
        Assert.Contains("unsqueeze", u.Message);
        Assert.Contains("[2, 3]", u.Message);
        var p = Assert.Throws<ArgumentException>(() => x.Permute(0));
        Assert.Contains("permute", p.Message);
    }

    [Fact]
    public void UsingATensorAfterItsScopeEnded()
    {
        Tensor t, kept;
        using (var scope = Tensor.Scope())
        {
            t = Tensor.Ones(2, 5);
            kept = scope.Keep(Tensor.Ones(2));
        }
        Assert.True(t.IsDisposed);
        var ex = Assert.Throws<ObjectDisposedException>(() => t.Add(kept));
        Assert.Contains("[2, 5]", ex.Message);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => t.Reshape(10));
        Assert.Contains("released", t.ToString());
        Assert.Equal(new float[] { 1, 1 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Throws<ObjectDisposedException>(() => kept.Sum());
    }

    [Fact]
    public void BackwardTwiceWithoutRetainGraph()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new double[] { 1, 2, 3 });
        x.RequiresGrad = true;
        var y = x.Exp().Mul(x).Sum();
        y.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", ex.Message);

        // With retainGraph the second pass works and accumulates.
        x.Grad = null;
        var z = x.Square().Sum();
        z.Backward(retainGraph: true);
        z.Backward();
        Assert.Equal(new double[] { 4, 8, 12 }, x.Grad!.ToArray<double>());
        // Backward through a shared subgraph that was already released also fails clearly.
        var h = x.Exp();
        h.Sum().Backward();
        var ex2 = Assert.Throws<InvalidOperationException>(() => h.Mul(2.0).Sum().Backward());
        Assert.Contains("second time", ex2.Message);
        x.Grad?.Dispose();
        x.Grad = null;
    }

    [Fact]
    public void BackwardWithoutGradAndOnNonScalar()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Ones(3);
        var ex = Assert.Throws<InvalidOperationException>(() => x.Sum().Backward());
        Assert.Contains("does not require grad", ex.Message);
        var y = Tensor.Ones(3);
        y.RequiresGrad = true;
        var ex2 = Assert.Throws<InvalidOperationException>(() => y.Mul(2.0).Backward());
        Assert.Contains("[3]", ex2.Message);
        var ex3 = Assert.Throws<ArgumentException>(() => y.Mul(2.0).Backward(Tensor.Ones(4)));
        Assert.Contains("[4]", ex3.Message);
        Assert.Throws<InvalidOperationException>(() => Tensor.Ones(new[] { 2 }, DType.Int64).RequiresGrad = true);
        using (GradMode.NoGrad())
        {
            var z = y.Mul(2.0);
            Assert.False(z.RequiresGrad);
            Assert.Throws<InvalidOperationException>(() => z.Sum().Backward());
        }
        y.Grad?.Dispose();
    }

    [Fact]
    public void InPlaceOnLeafThatRequiresGrad()
    {
        using var scope = Tensor.Scope();
        var w = Tensor.Zeros(new[] { 2, 3 }, DType.Float64);
        w.RequiresGrad = true;
        var other = Tensor.Ones(new[] { 2, 3 }, DType.Float64);
        foreach (var (op, act) in new (string, Action)[]
        {
            ("add_", () => w.AddInPlace(other)),
            ("fill_", () => w.Fill_(1)),
            ("fill_", () => w.Zero_()),
            ("copy_", () => w.CopyFrom(other)),
        })
        {
            var ex = Assert.Throws<InvalidOperationException>(act);
            Assert.Contains(op, ex.Message);
            Assert.Contains("[2, 3]", ex.Message);
        }
        // Allowed under NoGrad (an optimizer step).
        using (GradMode.NoGrad()) w.AddInPlace(other, -0.5);
        Assert.All(w.ToArray<double>(), v => Assert.Equal(-0.5, v));
        // A view of the leaf is part of the graph and is refused too.
        var ex2 = Assert.Throws<InvalidOperationException>(() => w.T.Fill_(0));
        Assert.Contains("[3, 2]", ex2.Message);
    }

    [Fact]
    public void AddInPlaceShapeAndDTypeErrors()
    {
        using var scope = Tensor.Scope();
        var a = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentException>(() => a.AddInPlace(Tensor.Zeros(3, 3)));
        Assert.Contains("add_", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => a.AddInPlace(Tensor.Zeros(new[] { 2, 3 }, DType.Float64)));
        Assert.Contains("float64", ex2.Message);
        Assert.Contains("[2, 3]", ex2.Message);
    }
}
