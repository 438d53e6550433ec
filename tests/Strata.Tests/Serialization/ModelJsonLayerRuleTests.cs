using System.Reflection;
using Strata;
using Strata.NN;
using Strata.Serialization;
using Xunit;
using Module = Strata.NN.Module;

namespace Strata.Tests.Serialization;

/// <summary>
/// Every concrete layer in Strata.NN, including ones added later, must follow the constructor↔property rule and
/// survive a JSON round trip; the sample values below fill required constructor parameters generically.
/// </summary>
public class ModelJsonLayerRuleTests
{
    private static readonly Type[] AllLayers = typeof(Module).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == "Strata.NN" && t.IsClass && !t.IsAbstract && t.IsSubclassOf(typeof(Module)) && !t.IsSubclassOf(typeof(Strata.Training.Model)))
        .OrderBy(t => t.Name).ToArray();

    public static IEnumerable<object[]> Layers() => AllLayers.Select(t => new object[] { t.Name });

    private static Type LayerType(string name) => AllLayers.Single(t => t.Name == name);

    [Fact]
    public void RegistryListsExactlyTheConcreteLayers()
    {
        Assert.Contains("Conv2D", ModelJson.KnownLayerClasses);
        Assert.Contains("Add", ModelJson.KnownLayerClasses);
        Assert.Equal(AllLayers.Select(t => t.Name), ModelJson.KnownLayerClasses);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConstructorParametersHaveMatchingPublicProperties(string layer)
    {
        var type = LayerType(layer);
        var ctors = type.GetConstructors();
        Assert.NotEmpty(ctors);
        foreach (var ctor in ctors)
            foreach (var p in ctor.GetParameters())
            {
                if ((Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) == typeof(Generator)) continue;
                var prop = type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                Assert.True(prop is { CanRead: true }, $"{type.Name}: constructor parameter '{p.Name}' has no public property '{char.ToUpperInvariant(p.Name![0])}{p.Name[1..]}'.");
                var want = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
                var have = Nullable.GetUnderlyingType(prop!.PropertyType) ?? prop.PropertyType;
                Assert.True(want.IsAssignableFrom(have), $"{type.Name}.{prop.Name} is a {prop.PropertyType.Name}, but parameter '{p.Name}' is a {p.ParameterType.Name}.");
            }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void DefaultInstanceRoundTrips(string layer) => AssertRoundTrip(Construct(LayerType(layer), rich: false));

    [Theory]
    [MemberData(nameof(Layers))]
    public void InstanceWithNestedConfigObjectsRoundTrips(string layer) => AssertRoundTrip(Construct(LayerType(layer), rich: true));

    private static void AssertRoundTrip(Module m)
    {
        string json = ModelJson.ToJson(m);
        var back = ModelJson.FromJson(json);
        Assert.IsType(m.GetType(), back);
        Assert.Equal(json, ModelJson.ToJson(back));
        // and inside a Sequential, as the layer would usually be saved
        string seqJson = ModelJson.ToJson(new Sequential(Construct(m.GetType(), rich: false)));
        Assert.Equal(seqJson, ModelJson.ToJson(ModelJson.FromJson(seqJson)));
    }

    /// <summary>
    /// Required parameters get a sample value; optional ones keep their defaults, except (when rich) parameters whose
    /// type is a Strata.NN config object (e.g. a regularizer), which get a sample instance so the nested path is exercised.
    /// </summary>
    private static Module Construct(Type type, bool rich)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Argument(p, rich)).ToArray();
        try
        {
            return (Module)ctor.Invoke(args);
        }
        catch (TargetInvocationException ex)
        {
            throw new Xunit.Sdk.XunitException($"{type.Name}: sample constructor arguments were rejected ({ex.InnerException?.Message}); extend Sample() in {nameof(ModelJsonLayerRuleTests)}.");
        }
    }

    private static object? Argument(ParameterInfo p, bool rich)
    {
        var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        if (type == typeof(Generator)) return null;
        if (rich && IsConfigObject(type)) return Sample(type, p);
        if (p.IsDefined(typeof(ParamArrayAttribute))) return Sample(type, p);
        if (p.HasDefaultValue) return p.DefaultValue ?? (p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null);
        return Sample(type, p);
    }

    private static bool IsConfigObject(Type t) =>
        (t.IsClass || t.IsInterface) && t != typeof(string) && !t.IsArray && t.Namespace?.StartsWith("Strata.NN", StringComparison.Ordinal) == true && !typeof(Module).IsAssignableFrom(t);

    private static object Sample(Type type, ParameterInfo p)
    {
        if (type == typeof(int)) return 2;
        if (type == typeof(long)) return 2L;
        if (type == typeof(double)) return 0.5;
        if (type == typeof(float)) return 0.5f;
        if (type == typeof(bool)) return true;
        if (type == typeof(IntPair)) return new IntPair(2, 2);
        if (type == typeof(Shape)) return new Shape(2);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0)!;
        if (type == typeof(int[])) return new[] { 2 };
        if (typeof(Module).IsAssignableFrom(type)) return new ReLU();
        if (IsConfigObject(type))
        {
            var concrete = typeof(Module).Assembly.GetExportedTypes().Where(t => !t.IsAbstract && type.IsAssignableFrom(t)).OrderBy(t => t.Name).First();
            var ctor = concrete.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            return ctor.Invoke(ctor.GetParameters().Select(q => Argument(q, rich: false)).ToArray());
        }
        throw new Xunit.Sdk.XunitException($"No sample value for parameter '{p.Name}' of type {type.Name}; extend Sample() in {nameof(ModelJsonLayerRuleTests)}.");
    }
}
