using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Backends.Cpu;

/// <summary>
/// exp, sigmoid and tanh on 16 floats at a time, computed in single precision. The runtime's vectorised float exp
/// works in double internally, which made the gate nonlinearities a sixth of an LSTM training step; this one
/// (Cephes' expf: Cody-Waite reduction by ln 2, degree-6 polynomial) stays within 2 ulp, about 1.2e-7 relative.
/// </summary>
internal static class FloatActivations512
{
    // exp(88) is below float's maximum and exp(-87.3) above its smallest normal, so 2^n never leaves the exponent range.
    private const float MaxInput = 88f, MinInput = -87.33654f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput));
        var n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        // r = x − n·ln 2 in two parts, so r keeps full precision.
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return y * scale;
    }

    /// <summary>1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <summary>tanh as TensorPrimitives computes it (AOCL's formula): z = e^(−2|x|) − 1, tanh|x| = −z / (z + 2), sign of x restored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var z = Exp(Vector512.Create(-2f) * Vector512.Abs(x)) - Vector512<float>.One;
        var t = -z / (z + Vector512.Create(2f));
        var sign = x.AsUInt32() & Vector512.Create(0x80000000u);
        return (t.AsUInt32() ^ sign).AsSingle();
    }
}
