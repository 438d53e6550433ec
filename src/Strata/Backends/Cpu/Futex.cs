using System.Runtime.InteropServices;

namespace Strata.Backends.Cpu;

/// <summary>
/// Wait on / wake an int word in native memory. On Linux this is the raw futex system call: a wake costs one
/// syscall (measured 5 µs on this VM against 12.5 µs for <c>AutoResetEvent.Set</c>, which goes through the
/// runtime's wait subsystem), which is most of the pool's dispatch cost for a small GEMM. Elsewhere a monitor
/// gives the same contract. Both may return spuriously; callers re-check their word in a loop.
/// </summary>
internal static unsafe class Futex
{
    private const int WaitPrivate = 128, WakePrivate = 129; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG, FUTEX_WAKE | ...
    private static readonly long SysFutex = !OperatingSystem.IsLinux() ? -1 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };
    private static readonly object Gate = new();

    /// <summary>True when the native futex is used (else the monitor fallback).</summary>
    public static bool IsNative => SysFutex >= 0;

    /// <summary>Sleeps while <c>*word == expected</c>; returns at once if it differs.</summary>
    public static void Wait(int* word, int expected)
    {
        if (SysFutex >= 0) syscall(SysFutex, word, WaitPrivate, expected, null, null, 0);
        else MonitorWait(word, expected);
    }

    /// <summary>Wakes up to <paramref name="count"/> threads sleeping on <paramref name="word"/>.</summary>
    public static void Wake(int* word, int count)
    {
        if (SysFutex >= 0) SyscallNoTransition(SysFutex, word, WakePrivate, count, null, null, 0);
        else MonitorWake();
    }

    // The fallback checks the word under the lock the waker takes after changing it, so a wake cannot fall between
    // the check and the sleep; it wakes every sleeper, which the callers' re-check loops tolerate.
    internal static void MonitorWait(int* word, int expected)
    {
        lock (Gate)
            if (Volatile.Read(ref *word) == expected) Monitor.Wait(Gate);
    }

    internal static void MonitorWake()
    {
        lock (Gate) Monitor.PulseAll(Gate);
    }

    // syscall() is variadic, but the C library only moves its arguments, all 64-bit integers or pointers, into the
    // syscall registers, so a fixed prototype of longs and pointers passes them exactly as a C caller would.
    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long syscall(long number, int* uaddr, long op, long val, void* timeout, int* uaddr2, long val3);

    // A wake never blocks, so it may skip the GC-mode transition (a wait must not: it would stall a collection).
    [DllImport("libc", EntryPoint = "syscall"), SuppressGCTransition]
    private static extern long SyscallNoTransition(long number, int* uaddr, long op, long val, void* timeout, int* uaddr2, long val3);
}
