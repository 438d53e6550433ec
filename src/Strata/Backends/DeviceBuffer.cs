namespace Strata.Backends;

/// <summary>
/// A block of device memory that holds tensor elements. Buffers are reference counted: every tensor (and view)
/// that uses a buffer holds one reference, and the last release hands the memory back to its backend's pool.
/// </summary>
public abstract class DeviceBuffer
{
    private int _refCount = 1;

    /// <summary>Capacity in bytes (at least what was asked for; pools round sizes up).</summary>
    public abstract long ByteLength { get; }

    public abstract Device Device { get; }

    internal bool IsReleased => Volatile.Read(ref _refCount) <= 0;

    internal void AddRef()
    {
        if (Interlocked.Increment(ref _refCount) <= 1)
            throw new ObjectDisposedException(nameof(DeviceBuffer), "A released tensor buffer was used again.");
    }

    internal void Release()
    {
        int n = Interlocked.Decrement(ref _refCount);
        if (n == 0) ReturnToPool();
        else if (n < 0) throw new InvalidOperationException("A tensor buffer was released more times than it was referenced.");
    }

    /// <summary>Called by a pool when it hands the buffer out again.</summary>
    protected void Revive() => Volatile.Write(ref _refCount, 1);

    protected abstract void ReturnToPool();
}
