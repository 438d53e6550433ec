using System.Runtime.Intrinsics;
using Strata.Backends.Cpu;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>The single-precision exp, sigmoid and tanh of the fused LSTM kernel against double-precision math.</summary>
public class RecurrentActivationAccuracyTests
{
    private static float[] Inputs()
    {
        var xs = new List<float>();
        for (double v = -100; v <= 100; v += 0.0173) xs.Add((float)v);
        for (double v = -1e-3; v <= 1e-3; v += 1.37e-6) xs.Add((float)v);
        xs.AddRange(new[] { 0f, -0f, 1e-30f, -1e-30f, 87.3f, -87.3f, 88f, -88f, float.MaxValue, float.MinValue });
        while (xs.Count % 16 != 0) xs.Add(0.5f);
        return xs.ToArray();
    }

    private static float[] Apply(Func<Vector512<float>, Vector512<float>> f, float[] xs)
    {
        var ys = new float[xs.Length];
        for (int i = 0; i < xs.Length; i += 16) f(Vector512.Create(xs, i)).CopyTo(ys, i);
        return ys;
    }

    [Fact]
    public void ExpIsWithinTwoUlp()
    {
        var xs = Inputs();
        var ys = Apply(FloatActivations512.Exp, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            if (xs[i] < -87.3f || xs[i] > 88f) continue;   // clamped: the kernels only need the saturated ends
            double e = Math.Exp(xs[i]);
            Assert.True(Math.Abs(ys[i] - e) <= 2.4e-7 * e, $"exp({xs[i]:R}) = {ys[i]:R}, expected {e:R}");
        }
    }

    [Fact]
    public void SigmoidAndTanhMatchDoublePrecision()
    {
        var xs = Inputs();
        var sig = Apply(FloatActivations512.Sigmoid, xs);
        var tanh = Apply(FloatActivations512.Tanh, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-(double)xs[i]));
            Assert.True(Math.Abs(sig[i] - s) <= 3e-7 * s + 1e-37, $"sigmoid({xs[i]:R}) = {sig[i]:R}, expected {s:R}");
            double t = Math.Tanh(xs[i]);
            // TensorPrimitives' formula (the one the unfused Tanh op uses) is accurate in absolute terms near 0.
            Assert.True(Math.Abs(tanh[i] - t) <= 3e-7 * Math.Abs(t) + 6e-8, $"tanh({xs[i]:R}) = {tanh[i]:R}, expected {t:R}");
            Assert.True(Math.Sign(t) * Math.Sign(tanh[i]) >= 0, $"tanh({xs[i]:R}) = {tanh[i]:R} has the wrong sign");
        }
    }

    /// <summary>
    /// A float32 LSTM (the single-precision forward and backward passes, 40 units: two 16-column blocks and a tail)
    /// against the same weights in float64: outputs and the gradients of the input and every weight.
    /// </summary>
    [Fact]
    public void Float32LstmTracksFloat64()
    {
        using var scope = Tensor.Scope();
        var l32 = new LSTM(40, inputSize: 6, returnSequences: true, generator: new Generator(3));
        var l64 = new LSTM(40, inputSize: 6, returnSequences: true, dtype: DType.Float64);
        l64.LoadStateDict(l32.StateDict().ToDictionary(p => p.Key, p => p.Value.To(DType.Float64)));
        var x32 = Tensor.Randn(new[] { 5, 30, 6 }, new Generator(4)) * 2.0;
        var x64 = x32.To(DType.Float64);
        x32.RequiresGrad = true;
        x64.RequiresGrad = true;
        var y32 = l32.Invoke(x32);
        var y64 = l64.Invoke(x64);
        TestUtil.AssertClose(y64.ToDoubleArray(), y32.ToDoubleArray(), 1e-5, 2e-6);
        var g = Tensor.Randn(new[] { 5, 30, 40 }, new Generator(5));
        (y32 * g).Sum().Backward();
        (y64 * g.To(DType.Float64)).Sum().Backward();
        TestUtil.AssertClose(x64.Grad!.ToDoubleArray(), x32.Grad!.ToDoubleArray(), 1e-4, 1e-5);
        var p64 = l64.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data.Grad!.ToDoubleArray());
        foreach (var (name, p) in l32.NamedParameters())
            TestUtil.AssertClose(p64[name], p.Data.Grad!.ToDoubleArray(), 1e-4, 1e-4);
    }
}
