namespace Strata;

/// <summary>
/// A seeded source of random numbers. Draws are counter-based: a draw of n values takes the next n counter
/// values, so results depend only on the seed and the sequence of draws, never on thread count.
/// </summary>
public sealed class Generator
{
    private long _counter;

    public Generator(ulong seed) => Seed = seed;

    public ulong Seed { get; private set; }

    /// <summary>The generator used when none is passed; reseed it with <see cref="ManualSeed"/>.</summary>
    public static Generator Default { get; } = new(0x5EED);

    /// <summary>Reseeds the default generator, as <c>torch.manual_seed</c>.</summary>
    public static void ManualSeed(ulong seed) => Default.Reset(seed);

    public void Reset(ulong seed)
    {
        Seed = seed;
        Interlocked.Exchange(ref _counter, 0);
    }

    /// <summary>
    /// How many values have been drawn since seeding. Together with <see cref="Seed"/> it is the whole state
    /// (as <c>torch.Generator.get_state</c>), so checkpoints save it and a resumed run draws the same numbers.
    /// </summary>
    public long Offset
    {
        get => Interlocked.Read(ref _counter);
        set
        {
            if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), $"Generator.Offset: must be non-negative, got {value}.");
            Interlocked.Exchange(ref _counter, value);
        }
    }

    /// <summary>Reserves <paramref name="count"/> counter values and returns the first.</summary>
    internal ulong Advance(long count) => (ulong)(Interlocked.Add(ref _counter, count) - count);

    /// <summary>A uniform integer in [0, n) (for shuffles and sampling on the host).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong c = Advance(1);
        double u = Backends.Cpu.CounterRng.Sample(Backends.RandomKind.Uniform, Backends.Cpu.CounterRng.Mix(Seed ^ 0x5DEECE66DUL), c, 0, 1);
        return Math.Min(n - 1, (int)(u * n));
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble()
    {
        ulong c = Advance(1);
        return Backends.Cpu.CounterRng.Sample(Backends.RandomKind.Uniform, Backends.Cpu.CounterRng.Mix(Seed ^ 0x5DEECE66DUL), c, 0, 1);
    }
}
