using System.Runtime.InteropServices;

namespace Strata.Backends.Cpu;

/// <summary>
/// Native, 64-byte-aligned scratch memory for GEMM packing. It only grows, so steady-state calls allocate nothing;
/// instances live in thread-static fields and the finalizer returns the memory when the owning thread is gone.
/// </summary>
internal sealed unsafe class GemmScratch
{
    private void* _ptr;
    private nuint _bytes;

    public void* Get(nuint bytes)
    {
        if (bytes > _bytes)
        {
            if (_ptr != null) NativeMemory.AlignedFree(_ptr);
            _ptr = null;
            _bytes = 0;
            _ptr = NativeMemory.AlignedAlloc(bytes, 64);
            _bytes = bytes;
        }
        return _ptr;
    }

    ~GemmScratch()
    {
        if (_ptr != null) NativeMemory.AlignedFree(_ptr);
    }
}
