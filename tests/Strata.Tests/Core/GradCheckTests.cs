using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Core;

/// <summary>Float64 finite-difference checks of every differentiable op, with broadcast and non-contiguous inputs.</summary>
public class GradCheckTests
{
    private static Tensor Const(double v) => Tensor.Scalar(v, DType.Float64);

    [Fact]
    public void ArithmeticWithBroadcasting()
    {
        var a = Leaf(1, 3, 1);
        var b = Leaf(2, 4);
        var p = Leaf(3, 0.5, 2, 3, 1);
        AssertGrad(x => x[0].Add(x[1]), a, b);
        AssertGrad(x => x[0].Sub(x[1]), a, b);
        AssertGrad(x => x[0].Mul(x[1]), a, b);
        AssertGrad(x => x[0].Div(x[1].Add(3)), a, b);
        AssertGrad(x => x[1].Div(x[0]), p, b);
        AssertGrad(x => x[0].Pow(x[1]), p, b);          // tensor exponent, positive base
        AssertGrad(x => x[0].Pow(3.0).Add(x[0].Pow(2.0)).Add(x[0].Pow(-1.5)), p);
        AssertGrad(x => x[0].Neg().Affine(2.5, -1).Mul(x[1]), a, b);
        AssertGrad(x => (3.0 - x[0]) * 2.0 / 4.0 + 1.0, a);
        AssertGrad(x => 2.0 / x[0], p);
    }

    [Fact]
    public void ArithmeticWithNonContiguousInputs()
    {
        var a = Leaf(4, 4, 3);
        var b = Leaf(5, 3, 8);
        AssertGrad(x => x[0].T.Mul(x[1].Slice(1, 1, 8, 2)), a, b);           // [3,4] * [3,4] (step 2)
        AssertGrad(x => x[0].T.Div(x[1].Slice(1, 0, 8, 2).Add(2)).Sub(x[1].Select(1, -1).Unsqueeze(1)), a, b);
    }

    [Fact]
    public void UnaryMath()
    {
        var pos = Leaf(6, 0.5, 2, 3, 4);
        var any = Leaf(7, -2.0, 2.0, 3, 4);
        AssertGrad(x => x[0].Exp(), any);
        AssertGrad(x => x[0].Log(), pos);
        AssertGrad(x => x[0].Sqrt(), pos);
        AssertGrad(x => x[0].Rsqrt(), pos);
        AssertGrad(x => x[0].Square(), any);
        AssertGrad(x => x[0].Reciprocal(), pos);
        AssertGrad(x => x[0].Neg().Reciprocal(), pos);
        // abs and clamp: no element sits within eps of a kink for these seeds.
        AssertGrad(x => x[0].Abs(), any);
        AssertGrad(x => x[0].Clamp(-0.7, 0.9), any);
        AssertGrad(x => x[0].Clamp(min: 0.1), any);
        AssertGrad(x => x[0].Clamp(max: -0.3), any);
        // Through transposed views.
        AssertGrad(x => x[0].T.Log().Mul(x[1].T.Abs()), pos, any);
    }

    [Fact]
    public void MaximumMinimumAndWhere()
    {
        var a = Leaf(8, 3, 1);
        var b = Leaf(9, 4);
        AssertGrad(x => x[0].Maximum(x[1]), a, b);
        AssertGrad(x => x[0].Minimum(x[1]), a, b);
        AssertGrad(x => x[0].T.Maximum(x[1].Unsqueeze(1)), a, b);
        using var cond = Tensor.FromArray(new[] { true, false, false, true }, 4);
        AssertGrad(x => Tensor.Where(cond, x[0], x[1]), a, b);
        AssertGrad(x => Tensor.Where(cond, x[0].Exp(), Const(2)), a);
        var c = Leaf(10, 3, 4);
        AssertGrad(x => Tensor.Where(x[0].Gt(0), x[0], x[0].Mul(0.1)), c); // leaky relu by hand
    }

    public static IEnumerable<object?[]> ReduceCases() => new[]
    {
        new object?[] { null, false }, new object?[] { null, true },
        new object?[] { new[] { 0 }, false }, new object?[] { new[] { 1 }, true },
        new object?[] { new[] { -1 }, false }, new object?[] { new[] { 0, 2 }, true },
        new object?[] { new[] { 2, 0 }, false }, new object?[] { new[] { 1, 2 }, false },
    };

    [Theory]
    [MemberData(nameof(ReduceCases))]
    public void Reductions(int[]? dims, bool keepDim)
    {
        var a = Leaf(11, 2, 3, 4);
        AssertGrad(x => x[0].Sum(dims, keepDim), a);
        AssertGrad(x => x[0].Mean(dims, keepDim), a);
        AssertGrad(x => x[0].Max(dims, keepDim), a);
        AssertGrad(x => x[0].Min(dims, keepDim), a);
        AssertGrad(x => x[0].Var(dims, keepDim), a);
        AssertGrad(x => x[0].Std(dims, keepDim), a);
        AssertGrad(x => x[0].Var(dims, keepDim, correction: 0), a);
        AssertGrad(x => x[0].LogSumExp(dims ?? new[] { 0, 1, 2 }, keepDim), a);
        // Non-contiguous input: the same reduction of a permuted view.
        AssertGrad(x => x[0].Permute(2, 0, 1).Permute(1, 2, 0).Sum(dims, keepDim).Exp(), a);
        AssertGrad(x => x[0].Transpose(0, 2).Transpose(0, 2).Std(dims, keepDim), a);
    }

    [Fact]
    public void ReductionsOfStridedSlices()
    {
        var a = Leaf(12, 6, 7);
        AssertGrad(x => x[0].Slice(0, 0, 6, 2).Slice(1, 1, 7, 3).LogSumExp(1), a);
        AssertGrad(x => x[0].T.Max(1, keepDim: true), a);
        AssertGrad(x => x[0].T.Var(0), a);
        AssertGrad(x => x[0].Mean(1).Mul(x[0].Sum(0).Narrow(0, 0, 6)), a);
    }

    [Fact]
    public void MatmulShapes()
    {
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(13, 5), Leaf(14, 5));                 // dot
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(15, 4), Leaf(16, 4, 3));              // 1-D · 2-D
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(17, 3, 4), Leaf(18, 4));              // 2-D · 1-D
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(19, 3, 4), Leaf(20, 4, 2));           // 2-D
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(21, 2, 1, 3, 4), Leaf(22, 3, 4, 5));  // broadcast batch
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(23, 2, 3, 4), Leaf(24, 4, 2));        // [B,M,K]·[K,N]
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(25, 4, 3), Leaf(26, 2, 3, 2));        // [M,K]·[B,K,N]
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(27, 4), Leaf(28, 2, 4, 3));           // 1-D · batched
        AssertGrad(x => x[0].Matmul(x[1]), Leaf(29, 2, 3, 4), Leaf(30, 4));           // batched · 1-D
    }

    [Fact]
    public void MatmulNonContiguous()
    {
        var a = Leaf(31, 4, 3);
        var b = Leaf(32, 5, 8);
        AssertGrad(x => x[0].T.Matmul(x[1].Slice(1, 0, 8, 2)), a, Leaf(33, 4, 8));          // [3,4]·[4,4] step
        AssertGrad(x => x[0].Slice(1, 1, 8, 2).T.Matmul(x[1].T), b, Leaf(40, 3, 5));               // [4,5]·[5,3], both strided
        var c = Leaf(34, 2, 4, 3);
        AssertGrad(x => x[0].Transpose(1, 2).Matmul(x[1].Permute(1, 0)), c, Leaf(35, 2, 4));   // [2,3,4]·[4,2]
        AssertGrad(x => x[0].Permute(2, 0, 1).Matmul(x[0].Permute(2, 1, 0)), c);              // [3,2,4]·[3,4,2]
    }

    [Fact]
    public void MatmulBatchLayoutsThatNeedACopy()
    {
        var a = Leaf(41, 2, 3, 4, 5);
        var b = Leaf(42, 3, 2, 5, 2);
        // Permuted batch dims cannot be walked with one batch stride: the operand is copied first.
        AssertGrad(x => x[0].Permute(1, 0, 2, 3).Matmul(x[1]), a, b);
        AssertGrad(x => x[1].Permute(1, 0, 3, 2).Matmul(x[0].Transpose(-1, -2)), a, b);
        // A non-contiguous batched left operand times a matrix (no batch folding), and a matrix times a batch.
        AssertGrad(x => x[0].Permute(1, 0, 2, 3).Matmul(x[1].Select(0, 0).Select(0, 1)), a, b);
        AssertGrad(x => x[1].Select(0, 1).Select(0, 1).T.Matmul(x[0].Transpose(-1, -2)), a, b);
    }

    [Fact]
    public void Activations()
    {
        var a = Leaf(36, -3.0, 3.0, 3, 1);
        var b = Leaf(37, -3.0, 3.0, 4);
        var t = Leaf(38, -3.0, 3.0, 5, 3);
        foreach (var f in new Func<Tensor, Tensor>[]
        {
            x => x.Relu(), x => x.LeakyRelu(), x => x.LeakyRelu(0.2), x => x.Elu(), x => x.Elu(0.5),
            x => x.Gelu(), x => x.Sigmoid(), x => x.Tanh(), x => x.Softplus(),
        })
        {
            AssertGrad(x => f(x[0].Add(x[1])), a, b);                  // broadcast [3,1] + [4]
            AssertGrad(x => f(x[0].T.Slice(1, 0, 5, 2)), t);           // strided view
        }
        // Softplus far out in the tails stays finite and correct.
        AssertGrad(x => x[0].Mul(15).Softplus().Add(x[0].Mul(15).Sigmoid()), b);
    }

    [Fact]
    public void DiamondGraphAccumulates()
    {
        var a = Leaf(39, 3, 4);
        AssertGrad(x =>
        {
            var h = x[0].Tanh();
            var u = h.Mul(h.Exp());
            return u.Add(h.T.Matmul(u).Sum(0)).Sub(h);
        }, a);
    }
}
