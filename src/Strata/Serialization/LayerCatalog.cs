using System.Reflection;
using Strata.NN;
using Module = Strata.NN.Module;

namespace Strata.Serialization;

/// <summary>
/// The fixed set of types the architecture JSON may name: public concrete layers (<see cref="Module"/> subclasses
/// other than models) and config-object types, all from one assembly and namespace. A class name read from JSON is
/// only ever looked up here, so a file can create nothing outside this list.
/// </summary>
internal sealed class LayerCatalog
{
    private readonly Assembly _assembly;
    private readonly string _namespace;
    private readonly Dictionary<string, Type> _layers;
    private readonly Type[] _configTypes;

    /// <summary>Strata's own layers: the Strata assembly, namespace Strata.NN.</summary>
    public static LayerCatalog Strata { get; } = new(typeof(Module).Assembly, "Strata.NN");

    public LayerCatalog(Assembly assembly, string ns)
    {
        _assembly = assembly;
        _namespace = ns;
        var types = assembly.GetExportedTypes().Where(t => InNamespace(t) && !t.IsNested).ToArray();
        _layers = types.Where(t => t.IsClass && !t.IsAbstract && t.IsSubclassOf(typeof(Module)) && !typeof(Training.Model).IsAssignableFrom(t))
                       .ToDictionary(t => t.Name, StringComparer.Ordinal);
        _configTypes = types.Where(t => !t.IsAbstract && !t.IsInterface && !typeof(Module).IsAssignableFrom(t)).ToArray();
    }

    private bool InNamespace(Type t) => t.Namespace == _namespace || (t.Namespace?.StartsWith(_namespace + ".", StringComparison.Ordinal) ?? false);

    /// <summary>Names of the layer classes a JSON file may use (containers "Sequential" and "Model" aside).</summary>
    public IReadOnlyCollection<string> LayerNames => _layers.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

    public bool IsLayer(Type t) => _layers.TryGetValue(t.Name, out var known) && known == t;

    public Type ResolveLayer(string className, string where) =>
        _layers.TryGetValue(className, out var t)
            ? t
            : throw new FormatException($"ModelJson: {where}: unknown layer class '{className}'; known classes: Sequential, Model, {string.Join(", ", LayerNames)}.");

    /// <summary>Whether values of a constructor parameter of this declared type are written as nested {"class", "config"} objects.</summary>
    public bool IsConfigObjectType(Type declared) =>
        declared.Assembly == _assembly && InNamespace(declared) && !typeof(Module).IsAssignableFrom(declared)
        && (declared.IsClass || declared.IsInterface) && declared != typeof(string);

    public Type ResolveConfigType(Type declared, string className, string where)
    {
        var candidates = _configTypes.Where(declared.IsAssignableFrom).ToArray();
        return candidates.FirstOrDefault(t => t.Name == className)
            ?? throw new FormatException($"ModelJson: {where}: unknown class '{className}' for a {declared.Name}; known: {string.Join(", ", candidates.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal))}.");
    }
}
