using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>
/// Size-classed free lists of <see cref="CpuBuffer"/>s. Sizes are rounded up to one of four classes per power of
/// two, so a training step that asks for the same shapes every iteration is served from the lists and
/// allocates no native or managed memory in steady state.
/// </summary>
internal static class CpuBufferPool
{
    private const int MinBytes = 64;
    private const int ClassesPerOctave = 4;
    private static readonly Stack<CpuBuffer>[] Free = CreateLists();
    private static long _cachedBytes;

    /// <summary>Upper bound on idle pooled memory; beyond it returned buffers are freed.</summary>
    public static long MaxCachedBytes { get; set; } = 2L << 30;

    private static Stack<CpuBuffer>[] CreateLists()
    {
        var lists = new Stack<CpuBuffer>[64 * ClassesPerOctave];
        for (int i = 0; i < lists.Length; i++) lists[i] = new Stack<CpuBuffer>();
        return lists;
    }

    internal static (int cls, long bytes) SizeClass(long bytes)
    {
        if (bytes <= MinBytes) return (0, MinBytes);
        int octave = 63 - BitOperations.LeadingZeroCount((ulong)(bytes - 1)); // 2^octave < bytes <= 2^(octave+1)
        long lo = 1L << octave;
        long step = lo / ClassesPerOctave;
        long k = (bytes - lo + step - 1) / step; // 1..ClassesPerOctave
        return (octave * ClassesPerOctave + (int)k, lo + k * step);
    }

    public static CpuBuffer Rent(long bytes)
    {
        // Rents from parallel chunks race each other, so a warm step could find the list short and allocate: kernels
        // take per-thread scratch instead, and this counter lets the tests prove it.
        if (CpuThreadPool.InParallel) Interlocked.Increment(ref _rentsInParallel);
        var (cls, rounded) = SizeClass(bytes);
        var list = Free[cls];
        lock (list)
        {
            if (list.Count > 0)
            {
                var b = list.Pop();
                Interlocked.Add(ref _cachedBytes, -b.ByteLength);
                b.Reuse();
                return b;
            }
        }
        Interlocked.Add(ref _allocatedBytes, rounded);
        return new CpuBuffer(rounded);
    }

    private static long _allocatedBytes;
    private static long _rentsInParallel;

    /// <summary>Rents made from inside a parallel job since start: zero in a healthy build.</summary>
    internal static long RentsInParallel => Interlocked.Read(ref _rentsInParallel);

    /// <summary>Native bytes the pool has allocated since start (not reduced by frees): flat in a steady state.</summary>
    internal static long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    public static void Return(CpuBuffer buffer)
    {
        if (Interlocked.Read(ref _cachedBytes) + buffer.ByteLength > MaxCachedBytes)
        {
            buffer.Free();
            return;
        }
        var (cls, _) = SizeClass(buffer.ByteLength);
        var list = Free[cls];
        lock (list) list.Push(buffer);
        Interlocked.Add(ref _cachedBytes, buffer.ByteLength);
    }

    /// <summary>Frees every idle buffer.</summary>
    public static void Trim()
    {
        foreach (var list in Free)
            lock (list)
                while (list.Count > 0)
                {
                    var b = list.Pop();
                    Interlocked.Add(ref _cachedBytes, -b.ByteLength);
                    b.Free();
                }
    }
}
