using System.Collections;
using System.Reflection;

namespace Strata.NN;

/// <summary>
/// The sequence <see cref="Module.Parameters"/> returns. It remembers its module so that an optimizer can refuse a
/// model whose lazily-sized layers have not created their weights yet: those weights would appear only after the
/// optimizer had taken its list, and would silently never be trained.
/// </summary>
internal sealed class ModuleParameters : IEnumerable<Parameter>
{
    public ModuleParameters(Module module) => Module = module;

    public Module Module { get; }

    public IEnumerator<Parameter> GetEnumerator() => Module.NamedParameters().Select(p => p.Parameter).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Throws, naming them, when the module has layers that create their weights on first use and have not been used yet.</summary>
    public void CheckBuilt(string who)
    {
        var lazy = Unbuilt(Module).Take(4).ToList();
        if (lazy.Count == 0) return;
        throw new InvalidOperationException(
            $"{who}: {string.Join(", ", lazy.Select(m => m.ToString()))} {(lazy.Count == 1 ? "has" : "have")} not created {(lazy.Count == 1 ? "its" : "their")} weights yet " +
            "(they are sized from the first input), so this optimizer would never update them. Run the model once or call Build(sampleShape) before " +
            "creating the optimizer, give those layers their input size, or use Compile, which creates the optimizer after building.");
    }

    /// <summary>Unbuilt leaf layers that override Build: they create parameters on their first call.</summary>
    private static IEnumerable<Module> Unbuilt(Module m)
    {
        var children = m.Children().ToList();
        if (children.Count == 0)
        {
            if (!m.IsBuilt && OverridesBuild(m.GetType())) yield return m;
            yield break;
        }
        foreach (var c in children)
            foreach (var u in Unbuilt(c)) yield return u;
    }

    private static bool OverridesBuild(Type t) =>
        t.GetMethod("Build", BindingFlags.Instance | BindingFlags.NonPublic, new[] { typeof(Shape) })?.DeclaringType != typeof(Module);
}
