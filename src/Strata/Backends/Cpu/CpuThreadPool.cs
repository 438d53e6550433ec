using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Strata.Backends.Cpu;

/// <summary>Work item for <see cref="CpuThreadPool.For(int, ParallelBody)"/>; a kernel keeps one instance per call site so dispatch allocates nothing.</summary>
public abstract class ParallelBody
{
    /// <summary>Runs chunk <paramref name="index"/>; chunks must write disjoint outputs.</summary>
    public abstract void Invoke(int index);
}

/// <summary>
/// The library's one thread pool: <c>Threads - 1</c> dedicated workers plus the calling thread. Workers sleep on
/// a futex while idle (they never spin between jobs). Chunks are claimed with an atomic counter, and a chunk's
/// result never depends on which thread ran it, so results are identical for every thread count.
/// </summary>
/// <remarks>
/// The caller starts on the chunks at once and waits only for chunks a worker has actually claimed, never for a
/// worker to wake up: on a loaded machine a wake-up can take far longer than a small GEMM, and a worker that
/// arrives after the last chunk was claimed simply finds nothing to do. The chunk counter and the chunk count live in
/// one 64-bit word claimed with one atomic increment, so a late worker can never pair an index of a finished job
/// with the count of the next one; between jobs the word says "no chunks", and dispatch allocates nothing.
/// Sleeping and waking go through <see cref="Futex"/> on words in native memory, and each side announces that it
/// sleeps (a sleeper count) so the other side makes the wake system call only when someone is asleep: the count is
/// raised before the sleeper re-reads its word, and the word is changed before the waker reads the count, so with
/// both steps full fences at least one side sees the other.
/// </remarks>
public static unsafe class CpuThreadPool
{
    private static readonly object DispatchLock = new();
    private static Worker[] _workers = Array.Empty<Worker>();
    private static int _threads = Math.Max(1, Environment.ProcessorCount);
    // High 32 bits: the current job's chunk count (0 between jobs); low 32 bits: the next chunk index to claim.
    private static long _state;
    private static ParallelBody? _body;
    private static Exception? _error;
    // Futex words, one cache line each because different threads write them: the job epoch (bumped per dispatch),
    // the number of workers asleep on it, the job's completed-chunk count, and whether the dispatcher sleeps on it.
    private static readonly int* Words = AllocWords();
    private static int* Epoch => Words;
    private static int* Sleepers => Words + 16;
    private static int* Completed => Words + 32;
    private static int* CallerAsleep => Words + 48;
    // How long the dispatcher spins for a worker's last chunk before it sleeps: a job is in flight, so this is not
    // idle spinning, and a sleep costs a wake system call on the worker plus this VM's 13+ µs wake-up latency.
    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds() / 1_000_000;

    private static int* AllocWords()
    {
        var words = (int*)NativeMemory.AlignedAlloc(4 * 64, 64);
        NativeMemory.Clear(words, 4 * 64); // aligned allocations are not zeroed: a garbage sleeper count loses wakes
        return words;
    }

    private static long SpinMicroseconds() =>
        long.TryParse(Environment.GetEnvironmentVariable("STRATA_POOL_SPIN_US"), out long us) && us >= 0 ? us : 20;

    [ThreadStatic] private static bool _inParallel;

    /// <summary>True on a thread while it runs a chunk of a parallel job.</summary>
    internal static bool InParallel => _inParallel;

    /// <summary>Threads used by kernels (default: the machine's processor count).</summary>
    public static int Threads
    {
        get => _threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), "Thread count must be at least 1.");
            lock (DispatchLock) _threads = value;
        }
    }

    /// <summary>Runs body for every index in [0, count), in parallel when more than one thread is configured.</summary>
    public static void For(int count, ParallelBody body)
    {
        if (count <= 0) return;
        int threads = Math.Min(_threads, count);
        if (threads <= 1 || _inParallel)
        {
            for (int i = 0; i < count; i++) body.Invoke(i);
            return;
        }
        lock (DispatchLock)
        {
            EnsureWorkers(threads - 1);
            _body = body;
            _error = null;
            Volatile.Write(ref *Completed, 0);
            Interlocked.Exchange(ref _state, (long)count << 32); // publishes the fields above with it
            Interlocked.Increment(ref *Epoch);
            if (Volatile.Read(ref *Sleepers) > 0) Futex.Wake(Epoch, threads - 1);
            RunChunks();
            WaitForChunks(count);
            // Every chunk is claimed and done: close the job so late claims see a count of 0.
            Interlocked.Exchange(ref _state, 0);
            _body = null;
            if (_error != null) throw new AggregateException("A parallel kernel failed.", _error);
        }
    }

    private sealed class ActionBody : ParallelBody
    {
        public Action<int>? Action;
        public override void Invoke(int index) => Action!(index);
    }

    [ThreadStatic] private static ActionBody? _actionBody;

    /// <summary>Convenience overload; the delegate may allocate at the call site, so hot kernels use a <see cref="ParallelBody"/>.</summary>
    public static void For(int count, Action<int> action)
    {
        var body = _actionBody ??= new ActionBody();
        if (body.Action != null) body = new ActionBody(); // re-entrant use from the same thread
        body.Action = action;
        try { For(count, body); }
        finally { body.Action = null; }
    }

    private static void WaitForChunks(int count)
    {
        long spinUntil = 0;
        while (true)
        {
            int done = Volatile.Read(ref *Completed);
            if (done >= count) return;
            long now = Stopwatch.GetTimestamp();
            if (spinUntil == 0) spinUntil = now + SpinTicks;
            if (now < spinUntil) { Thread.SpinWait(8); continue; }
            Interlocked.Exchange(ref *CallerAsleep, 1);
            done = Volatile.Read(ref *Completed);
            if (done < count) Futex.Wait(Completed, done);
            Volatile.Write(ref *CallerAsleep, 0);
        }
    }

    private static void RunChunks()
    {
        _inParallel = true;
        try
        {
            while (true)
            {
                long s = Interlocked.Increment(ref _state);
                int i = (int)(uint)s - 1, count = (int)(s >> 32);
                if (i >= count) break;
                // A claimed chunk keeps its job open (the dispatcher waits for it), so _body is this job's.
                try { _body!.Invoke(i); }
                catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
                // The last chunk wakes the dispatcher only if it went to sleep; a wake left over from an earlier job
                // only makes the next job's wait re-check its count.
                if (Interlocked.Increment(ref *Completed) == count && Volatile.Read(ref *CallerAsleep) != 0)
                    Futex.Wake(Completed, 1);
            }
        }
        finally { _inParallel = false; }
    }

    private static void EnsureWorkers(int n)
    {
        if (_workers.Length >= n) return;
        var workers = new Worker[n];
        Array.Copy(_workers, workers, _workers.Length);
        for (int i = _workers.Length; i < n; i++) workers[i] = new Worker(i);
        _workers = workers;
    }

    private sealed class Worker
    {
        public Worker(int index)
        {
            var t = new Thread(Loop) { IsBackground = true, Name = $"strata-cpu-{index + 1}" };
            t.Start();
        }

        private static void Loop()
        {
            int seen = Volatile.Read(ref *Epoch);
            while (true)
            {
                // The epoch may have moved on more than once: the job it announced may be finished (then there is
                // nothing to claim) or replaced by a newer one, which this worker simply helps with.
                RunChunks();
                Interlocked.Increment(ref *Sleepers);
                while (Volatile.Read(ref *Epoch) == seen) Futex.Wait(Epoch, seen);
                Interlocked.Decrement(ref *Sleepers);
                seen = Volatile.Read(ref *Epoch);
            }
        }
    }
}
