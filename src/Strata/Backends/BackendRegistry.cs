using Strata.Backends.Cpu;

namespace Strata.Backends;

/// <summary>Maps a device to the backend that owns its memory and kernels. A CUDA assembly registers itself here.</summary>
public static class BackendRegistry
{
    private static readonly Dictionary<DeviceType, IBackend> Extra = new();

    public static void Register(DeviceType type, IBackend backend)
    {
        lock (Extra) Extra[type] = backend;
    }

    public static IBackend For(Device device)
    {
        if (device.Type == DeviceType.Cpu) return CpuBackend.Instance;
        lock (Extra)
            if (Extra.TryGetValue(device.Type, out var b)) return b;
        throw new NotSupportedException($"No backend is registered for device {device}; reference the assembly that provides it.");
    }
}
