using Strata.Backends.Cpu;

namespace Strata.Data;

/// <summary>
/// Direct access to the memory of contiguous CPU tensors, so loaders and readers copy samples with plain
/// memory moves instead of launching a kernel per sample.
/// </summary>
internal static unsafe class HostTensor
{
    /// <summary>A new contiguous CPU tensor that belongs to no scope (its owner disposes it).</summary>
    public static Tensor Allocate(string owner, ReadOnlySpan<int> shape, DType dtype)
    {
        using (TensorScope.Suspend())
            return Tensor.Empty(owner, shape, dtype, Device.Cpu);
    }

    /// <summary>The tensor's bytes; the tensor must be a contiguous CPU tensor.</summary>
    public static Span<byte> Bytes(Tensor t, string owner)
    {
        Require(t, owner);
        var p = (byte*)HostMemory.PointerOf(t.Buffer) + (long)t.StorageOffset * t.DType.SizeOf();
        return new Span<byte>(p, checked((int)(t.Numel * t.DType.SizeOf())));
    }

    public static Span<T> Elements<T>(Tensor t, string owner) where T : unmanaged
    {
        Require(t, owner);
        if (DTypeInfo.Of<T>() != t.DType)
            throw new ArgumentException($"{owner}: expected a {DTypeInfo.Of<T>().Name()} tensor, got {t.DType.Name()} of shape {t.Shape}.");
        var p = (T*)HostMemory.PointerOf(t.Buffer) + t.StorageOffset;
        return new Span<T>(p, checked((int)t.Numel));
    }

    private static void Require(Tensor t, string owner)
    {
        if (t.Device != Device.Cpu)
            throw new ArgumentException($"{owner}: expected a CPU tensor, got one on {t.Device} (shape {t.Shape}).");
        if (!t.IsContiguous)
            throw new ArgumentException($"{owner}: expected a contiguous tensor, got a strided view of shape {t.Shape}; call Contiguous() first.");
    }
}
