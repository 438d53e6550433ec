using System.Runtime.InteropServices;

namespace Strata.Backends.Cpu;

/// <summary>64-byte aligned native memory for CPU tensors, recycled through <see cref="CpuBufferPool"/>.</summary>
public sealed unsafe class CpuBuffer : DeviceBuffer, IHostMemory
{
    internal const int Alignment = 64;
    private readonly long _byteLength;
    private void* _pointer;

    internal CpuBuffer(long byteLength)
    {
        _byteLength = byteLength;
        _pointer = NativeMemory.AlignedAlloc((nuint)Math.Max(byteLength, Alignment), Alignment);
        GC.AddMemoryPressure(Math.Max(byteLength, 1));
    }

    public void* Pointer => _pointer;

    public override long ByteLength => _byteLength;

    public override Device Device => Device.Cpu;

    internal void Reuse() => Revive();

    protected override void ReturnToPool() => CpuBufferPool.Return(this);

    internal void Free()
    {
        if (_pointer == null) return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        GC.RemoveMemoryPressure(Math.Max(_byteLength, 1));
        GC.SuppressFinalize(this);
    }

    // A buffer whose tensors were never disposed is freed by the collector instead of leaking.
    ~CpuBuffer()
    {
        if (_pointer != null) NativeMemory.AlignedFree(_pointer);
    }
}

/// <summary>Memory the CPU can address directly.</summary>
internal unsafe interface IHostMemory
{
    void* Pointer { get; }
}

internal static unsafe class HostMemory
{
    public static void* PointerOf(DeviceBuffer buffer) => buffer is IHostMemory h
        ? h.Pointer
        : throw new InvalidOperationException($"A {buffer.Device} buffer reached the CPU backend; move the tensor to the CPU first.");
}
