using System.Reflection;
using Module = Strata.NN.Module;
using Strata;
using Strata.NN;
using Strata.NN.Regularizers;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>
/// Architecture JSON is written by reflection: every public constructor parameter of a layer or regularizer must have a
/// public readable property of the same name in PascalCase (Generator parameters exempt; the match ignores case, so
/// <c>dtype</c> is the <c>DType</c> property) with the parameter's type (nullability aside).
/// </summary>
public class ConstructorPropertyRuleTests
{
    public static IEnumerable<object[]> Types() =>
        typeof(Module).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsPublic && (t.Namespace == "Strata.NN" || t.Namespace == "Strata.NN.Regularizers")
                        && (typeof(Module).IsAssignableFrom(t) || typeof(Regularizer).IsAssignableFrom(t))
                        && t != typeof(Sequential)) // a container: serialised through its children
            .Select(t => new object[] { t.Name });

    [Fact]
    public void CoversTheNewLayersAndRegularizers()
    {
        var names = Types().Select(o => (string)o[0]).ToHashSet();
        foreach (var n in new[] { "Conv1D", "Conv2DTranspose", "Reshape", "BatchNorm1D", "BatchNorm2D", "LayerNorm", "Embedding", "Dense", "Conv2D", "L1", "L2", "L1L2" })
            Assert.Contains(n, names);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void EveryConstructorParameterIsAProperty(string typeName)
    {
        var type = typeof(Module).Assembly.GetTypes().Single(t => t.Name == typeName && t.Namespace!.StartsWith("Strata.NN"));
        foreach (var ctor in type.GetConstructors())
            foreach (var p in ctor.GetParameters())
            {
                if (p.ParameterType == typeof(Generator)) continue;
                string prop = char.ToUpperInvariant(p.Name![0]) + p.Name[1..];
                var info = type.GetProperty(prop, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                Assert.True(info is { CanRead: true }, $"{type.Name}: constructor parameter '{p.Name}' has no public property '{prop}'");
                var target = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
                var have = Nullable.GetUnderlyingType(info!.PropertyType) ?? info.PropertyType;
                Assert.True(target == have, $"{type.Name}.{prop} is {info.PropertyType.Name}, the constructor takes {p.ParameterType.Name}");
            }
    }
}
