using System.Reflection;

namespace Strata.Serialization;

/// <summary>
/// The reflection rule behind layer configs: a type's config is its public constructor's parameters (the one
/// with the most parameters), each read back from the public property of the same name (case-insensitive, so
/// <c>dtype</c> ↔ <c>DType</c>). <see cref="Generator"/> parameters are not part of a config.
/// </summary>
internal static class LayerConfig
{
    public static ConstructorInfo Constructor(Type type)
    {
        var ctors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (ctors.Length == 0) throw new InvalidOperationException($"ModelJson: {type.Name} has no public constructor, so it cannot be written or read.");
        int most = ctors.Max(c => c.GetParameters().Length);
        var widest = ctors.Where(c => c.GetParameters().Length == most).ToArray();
        if (widest.Length > 1)
            throw new InvalidOperationException($"ModelJson: {type.Name} has {widest.Length} public constructors with {most} parameters; the config needs one widest constructor.");
        return widest[0];
    }

    public static bool IsSkipped(ParameterInfo p) => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) == typeof(Generator);

    /// <summary>The config parameters of <paramref name="type"/> with their matching properties (null where the property is missing).</summary>
    public static IReadOnlyList<(ParameterInfo Parameter, PropertyInfo? Property)> Bindings(Type type) =>
        Constructor(type).GetParameters().Where(p => !IsSkipped(p))
            .Select(p => (p, type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)))
            .Select(b => (b.p, b.Item2 is { CanRead: true } prop && prop.GetMethod!.IsPublic ? prop : null))
            .ToArray();

    public static string Key(ParameterInfo p) => p.Name!;
}
