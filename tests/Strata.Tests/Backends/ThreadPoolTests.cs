using Strata.Backends.Cpu;
using Xunit;

namespace Strata.Tests.Backends;

public class ThreadPoolTests
{
    /// <summary>
    /// Two threads (as the training loop and the data loader's prefetch thread) dispatch many tiny jobs at once;
    /// For must never return before every chunk of its job has run. A stale wake-up from the previous job once
    /// let it return early, so a worker still ran chunks of a finished job (seen as a crash mid-training).
    /// </summary>
    [Fact]
    public void ForNeverReturnsBeforeEveryChunkRanUnderConcurrentDispatch()
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = Math.Max(2, saved);
        try
        {
            const int Jobs = 10000, Chunks = 6;
            var failures = new int[2];
            var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
            {
                var slots = new int[Chunks];
                for (int k = 1; k <= Jobs; k++)
                {
                    int job = k;
                    CpuThreadPool.For(Chunks, i =>
                    {
                        if ((i + job) % 3 == 0) Thread.SpinWait(50 + 10 * i);
                        Volatile.Write(ref slots[i], job);
                    });
                    for (int i = 0; i < Chunks; i++)
                        if (Volatile.Read(ref slots[i]) != job) failures[t]++;
                }
            })).ToArray();
            foreach (var th in threads) th.Start();
            foreach (var th in threads) Assert.True(th.Join(TimeSpan.FromMinutes(2)), "dispatch deadlocked");
            Assert.Equal(new[] { 0, 0 }, failures);
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    /// <summary>Late workers may claim from the shared counter at any time; each chunk must still run exactly once.</summary>
    [Fact]
    public void EveryChunkRunsExactlyOnceForVaryingCounts()
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = Math.Max(2, saved);
        try
        {
            for (int round = 0; round < 200; round++)
            {
                int count = 1 + round % 37;
                var hits = new int[count];
                CpuThreadPool.For(count, i => Interlocked.Increment(ref hits[i]));
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    [Fact]
    public void ChunkExceptionIsReportedAndPoolStaysUsable()
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = Math.Max(2, saved);
        try
        {
            var ex = Assert.Throws<AggregateException>(() => CpuThreadPool.For(8, i => { if (i == 5) throw new InvalidOperationException("chunk 5"); }));
            Assert.Contains("chunk 5", ex.InnerException!.Message);
            int sum = 0;
            CpuThreadPool.For(8, i => Interlocked.Add(ref sum, i));
            Assert.Equal(28, sum);
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    /// <summary>
    /// A worker must really take chunks, also after it went to sleep between jobs: each of two chunks waits for the
    /// other to start, so they can only both finish quickly when two threads run them at once. An uninitialised
    /// sleeper count once made the dispatcher skip every wake, and one thread silently ran every job alone.
    /// </summary>
    [Fact]
    public void WorkerRunsChunksAlongsideTheCallerAfterSleeping()
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = 2;
        try
        {
            int together = 0;
            for (int round = 0; round < 20; round++)
            {
                if (round % 4 == 0) Thread.Sleep(5); // let the worker fall asleep
                int started = 0;
                bool bothRan = true;
                CpuThreadPool.For(2, i =>
                {
                    Interlocked.Increment(ref started);
                    var wait = System.Diagnostics.Stopwatch.StartNew();
                    while (Volatile.Read(ref started) < 2)
                        if (wait.ElapsedMilliseconds > 2000) { bothRan = false; return; }
                });
                if (bothRan) together++;
            }
            Assert.Equal(20, together);
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    /// <summary><paramref name="fallback"/>: the monitor path other OSes use, tested here too.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void FutexWaitReturnsOnChangedWordAndWakeReleasesASleeper(bool fallback)
    {
        bool native = !fallback;
        int* word = (int*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(64);
        try
        {
            void Wait(int expected) { if (native) Futex.Wait(word, expected); else Futex.MonitorWait(word, expected); }
            void Wake() { if (native) Futex.Wake(word, 1); else Futex.MonitorWake(); }
            Wait(1); // the word holds 0, so this must not sleep
            int woke = 0;
            var sleeper = new Thread(() =>
            {
                while (Volatile.Read(ref *word) == 0) Wait(0);
                Volatile.Write(ref woke, 1);
            });
            sleeper.Start();
            Thread.Sleep(50);
            Assert.Equal(0, Volatile.Read(ref woke));
            Interlocked.Exchange(ref *word, 1);
            Wake();
            Assert.True(sleeper.Join(TimeSpan.FromSeconds(10)), "the sleeper was not woken");
            Assert.Equal(1, woke);
        }
        finally { System.Runtime.InteropServices.NativeMemory.Free(word); }
    }
}
