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
public static class CpuThreadPool
{
    private static readonly object DispatchLock = new();
    private static Worker[] _workers = Array.Empty<Worker>();
    private static int _threads = Math.Max(1, Environment.ProcessorCount);
    private static ParallelBody? _body;
    private static int _count;
    private static int _next;
    private static int _remaining;
    private static readonly ManualResetEventSlim Done = new(false, 100);
    private static Exception? _error;

    [ThreadStatic] private static bool _inParallel;

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
            _count = count;
            _next = 0;
            _error = null;
            _remaining = threads - 1;
            Done.Reset();
            for (int w = 0; w < threads - 1; w++) _workers[w].Wake.Set();
            RunChunks();
            // _remaining is the truth; the event only saves spinning. A worker of the previous job may set Done
            // after this job reset it (it decrements before it sets), so a wake-up can be stale: re-check, and
            // never leave while a worker may still be running this job's chunks.
            while (Volatile.Read(ref _remaining) > 0)
            {
                Done.Wait();
                if (Volatile.Read(ref _remaining) > 0) Done.Reset();
            }
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
            var body = _body!;
            int count = _count;
            while (true)
            {
                int i = Interlocked.Increment(ref _next) - 1;
                if (i >= count) break;
                try { body.Invoke(i); }
                catch (Exception e) { _error ??= e; }
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
                RunChunks();
                if (Interlocked.Decrement(ref _remaining) == 0) Done.Set();
            }
        }
    }
}
