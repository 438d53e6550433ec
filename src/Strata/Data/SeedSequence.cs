namespace Strata.Data;

/// <summary>
/// Derives independent random streams from a user seed (per epoch, per sample) and shuffles with them.
/// Streams are pure functions of their inputs, so a rerun, a prefetching loader and a loader positioned with
/// <see cref="DataLoader.SetEpoch"/> all see the same numbers.
/// </summary>
internal struct SeedSequence
{
    private ulong _state;

    public SeedSequence(ulong seed) => _state = seed;

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for stream (<paramref name="a"/>, <paramref name="b"/>) of <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, ulong a, ulong b = 0) => Mix(Mix(Mix(seed) ^ a) ^ (b * 0xD1B54A32D192ED03UL));

    public ulong NextUInt64() => Mix(_state++);

    /// <summary>Uniform in [0, n) without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong bound = (ulong)n;
        while (true)
        {
            ulong x = NextUInt64() >> 32;
            ulong m = x * bound;
            if ((uint)m >= (uint)((0x1_0000_0000UL - bound) % bound)) return (int)(m >> 32);
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle(p);
        return p;
    }
}
