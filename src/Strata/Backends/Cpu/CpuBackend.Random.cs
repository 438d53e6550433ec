namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Random(RandomKind kind, in TensorDesc y, ulong seed, ulong counter, double a, double b)
    {
        if (!y.IsContiguous) throw new ArgumentException("Random fills need a contiguous tensor.");
        int n = y.Numel;
        ulong key = CounterRng.Mix(seed ^ 0x5DEECE66DUL);
        switch (y.DType)
        {
            case DType.Float32:
                {
                    float* p = Ptr<float>(y);
                    for (int i = 0; i < n; i++) p[i] = (float)CounterRng.Sample(kind, key, counter + (ulong)i, a, b);
                    break;
                }
            case DType.Float64:
                {
                    double* p = Ptr<double>(y);
                    for (int i = 0; i < n; i++) p[i] = CounterRng.Sample(kind, key, counter + (ulong)i, a, b);
                    break;
                }
            case DType.Bool when kind == RandomKind.Bernoulli:
                {
                    byte* p = Ptr<byte>(y);
                    for (int i = 0; i < n; i++) p[i] = CounterRng.Sample(kind, key, counter + (ulong)i, a, b) != 0 ? (byte)1 : (byte)0;
                    break;
                }
            default:
                throw new NotSupportedException($"{kind}: random fill does not support dtype {y.DType.Name()}.");
        }
    }
}

/// <summary>
/// A counter-based generator: each value is a hash of (key, counter), so any element can be produced
/// independently and results never depend on how work is split across threads.
/// </summary>
internal static class CounterRng
{
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double Unit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    public static double Sample(RandomKind kind, ulong key, ulong counter, double a, double b)
    {
        ulong h = Mix(key ^ Mix(counter));
        switch (kind)
        {
            case RandomKind.Uniform:
                return a + (b - a) * Unit(h);
            case RandomKind.Bernoulli:
                return Unit(h) < a ? 1.0 : 0.0;
            default:
                {
                    // Box–Muller from two independent hashes of the same counter.
                    double u1 = 1.0 - Unit(h);
                    double u2 = Unit(Mix(h ^ 0xD1B54A32D192ED03UL));
                    return a + b * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                }
        }
    }
}
