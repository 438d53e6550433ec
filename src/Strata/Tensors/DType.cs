namespace Strata;

/// <summary>Element type of a tensor. Float32 is the default; Float64 is used for gradient checks and precision work.</summary>
public enum DType
{
    Float32,
    Float64,
    Int32,
    Int64,
    /// <summary>Stored as one byte per element, 0 or 1.</summary>
    Bool,
}

/// <summary>Facts about each <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    public static int SizeOf(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int32 => 4,
        DType.Int64 => 8,
        DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static bool IsFloating(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        _ => dtype.ToString(),
    };

    /// <summary>The dtype a C# element type maps to.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"Strata has no dtype for element type {typeof(T).Name}.");
    }

    /// <summary>Result dtype of a binary op between two dtypes, following PyTorch's promotion for the types Strata has.</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Float64 || b == DType.Float64) return DType.Float64;
        if (a == DType.Float32 || b == DType.Float32) return DType.Float32;
        if (a == DType.Int64 || b == DType.Int64) return DType.Int64;
        if (a == DType.Int32 || b == DType.Int32) return DType.Int32;
        return DType.Bool;
    }
}
