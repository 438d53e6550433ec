namespace Strata;

/// <summary>Kind of device a tensor lives on.</summary>
public enum DeviceType
{
    Cpu,
    Cuda,
}

/// <summary>Where a tensor's data lives. Ops reach their kernels through the backend registered for the device.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceType.Cpu, 0);

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
