namespace Strata.Backends.Cpu;

/// <summary>Work item for <see cref="CpuThreadPool.For(int, ParallelBody)"/>; a kernel keeps one instance per call site so dispatch allocates nothing.</summary>
public abstract class ParallelBody
{
    /// <summary>Runs chunk <paramref name="index"/>; chunks must write disjoint outputs.</summary>
    public abstract void Invoke(int index);
}

/// <summary>
/// The library's one thread pool: <c>Threads - 1</c> dedicated workers plus the calling thread. Workers block on
/// an event while idle (they never spin between jobs). Chunks are claimed with an atomic counter, and a chunk's
/// result never depends on which thread ran it, so results are identical for every thread count.
/// </summary>
/// <remarks>
/// The caller starts on the chunks at once and waits only for chunks a worker has actually claimed, never for a
/// worker to wake up: on a loaded machine a wake-up can take far longer than a small GEMM, and a worker that
/// arrives after the last chunk was claimed simply finds nothing to do. The chunk counter and the chunk count live in
/// one 64-bit word claimed with one atomic increment, so a late worker can never pair an index of a finished job
/// with the count of the next one; between jobs the word says "no chunks", and dispatch allocates nothing.
/// </remarks>
public static class CpuThreadPool
{
    private static readonly object DispatchLock = new();
    private static Worker[] _workers = Array.Empty<Worker>();
    private static int _threads = Math.Max(1, Environment.ProcessorCount);
    // High 32 bits: the current job's chunk count (0 between jobs); low 32 bits: the next chunk index to claim.
    private static long _state;
    private static ParallelBody? _body;
    private static int _completed;
    private static Exception? _error;
    // Set when a job's last chunk completes; spinCount 100 gives the short spin before blocking that covers a
    // chunk still finishing on a worker (measured: blocking at once costs a futex round trip on every GEMM).
    private static readonly ManualResetEventSlim Done = new(false, 100);

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
            _completed = 0;
            Interlocked.Exchange(ref _state, (long)count << 32); // publishes the fields above with it
            for (int w = 0; w < threads - 1; w++) _workers[w].Wake.Set();
            RunChunks();
            // Reset, then re-check: a Set from the previous job's last chunk may arrive late (stale), and this
            // job's own Set may land between the check and the reset; the re-check catches both.
            while (Volatile.Read(ref _completed) < count)
            {
                Done.Reset();
                if (Volatile.Read(ref _completed) >= count) break;
                Done.Wait();
            }
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
                if (Interlocked.Increment(ref _completed) == count) Done.Set();
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
        public readonly AutoResetEvent Wake = new(false);

        public Worker(int index)
        {
            var t = new Thread(Loop) { IsBackground = true, Name = $"strata-cpu-{index + 1}" };
            t.Start();
        }

        private void Loop()
        {
            while (true)
            {
                Wake.WaitOne();
                // A wake-up may be late: the job it was meant for may be finished (then there is nothing to claim)
                // or replaced by a newer one, which this worker simply helps with.
                RunChunks();
            }
        }
    }
}
