using System.Reflection;

namespace Strata.NN;

/// <summary>
/// Base class of layers and models (PyTorch <c>nn.Module</c> with Keras-style lazy building).
/// <see cref="Invoke(Tensor)"/> runs <see cref="Build"/> once with the first input's shape, then <see cref="Forward(Tensor)"/>.
/// Sub-modules and parameters are discovered by reflection over fields (declaration order) of type
/// <see cref="Module"/>, <see cref="Parameter"/> or <c>IEnumerable&lt;Module&gt;</c>, plus explicit registrations.
/// </summary>
public abstract partial class Module
{
    private readonly List<(string Name, Module Module)> _modules = new();
    private readonly List<(string Name, Parameter Parameter)> _parameters = new();
    private bool _built;
    private Shape? _lastOutputShape;

    public bool IsTraining { get; private set; } = true;

    public bool IsBuilt => _built;

    /// <summary>The computation; called by <see cref="Invoke(Tensor)"/> after the module is built.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Creates shape-dependent state; called once, on the first <see cref="Invoke(Tensor)"/>.</summary>
    protected virtual void Build(Shape inputShape) { }

    /// <summary>Builds (once) for the input's shape, then runs <see cref="Forward(Tensor)"/>.</summary>
    public Tensor Invoke(Tensor x) => Invoke(x, null);

    /// <summary>
    /// Builds (once), then runs <see cref="Forward(Tensor, Tensor?)"/> with a Keras-style mask ([N, T] bool, true
    /// marks a real step) when one is given, <see cref="Forward(Tensor)"/> otherwise.
    /// </summary>
    public Tensor Invoke(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!_built)
        {
            Build(x.Shape);
            _built = true;
        }
        var y = mask is null ? Forward(x) : Forward(x, mask);
        // Remembered for Summary(): the shapes of the last real forward pass.
        _lastOutputShape = y.Shape;
        return y;
    }

    /// <summary>Builds the module for <paramref name="inputShape"/> if it is not built yet (as the first Invoke would).</summary>
    internal void EnsureBuilt(Shape inputShape)
    {
        if (_built) return;
        Build(inputShape);
        _built = true;
    }

    /// <summary>Sets the output shape Summary() reports, for a container that ran this layer in a rewritten order.</summary>
    internal void NoteOutputShape(Shape shape) => _lastOutputShape = shape;

    /// <summary>Same as <see cref="Invoke(Tensor)"/>.</summary>
    public Tensor Call(Tensor x) => Invoke(x);

    /// <summary>Marks the module built without calling <see cref="Build"/> (for eagerly-sized layers).</summary>
    protected void MarkBuilt() => _built = true;

    public Module RegisterModule(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (_modules.Any(m => m.Name == name)) throw new ArgumentException($"{GetType().Name}: a sub-module named '{name}' is already registered.");
        _modules.Add((name, module));
        module.SetTraining(IsTraining);
        return module;
    }

    public Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (_parameters.Any(p => p.Name == name)) throw new ArgumentException($"{GetType().Name}: a parameter named '{name}' is already registered.");
        _parameters.Add((name, parameter));
        return parameter;
    }

    private static IEnumerable<FieldInfo> Fields(Type t)
    {
        var chain = new List<Type>();
        for (var c = t; c != null && c != typeof(Module) && c != typeof(object); c = c.BaseType) chain.Add(c);
        chain.Reverse();
        foreach (var c in chain)
            foreach (var f in c.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).OrderBy(f => f.MetadataToken))
                yield return f;
    }

    private static string CleanName(string fieldName)
    {
        // auto-property backing field: <Weight>k__BackingField
        if (fieldName.StartsWith('<'))
        {
            int end = fieldName.IndexOf('>');
            fieldName = fieldName.Substring(1, end - 1);
        }
        fieldName = fieldName.TrimStart('_');
        return fieldName.Length == 0 ? fieldName : char.ToLowerInvariant(fieldName[0]) + fieldName.Substring(1);
    }

    /// <summary>Direct children, named: explicit registrations first, then discovered fields.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in _modules)
            if (seen.Add(m)) yield return (n, m);
        foreach (var f in Fields(GetType()))
        {
            var v = f.GetValue(this);
            if (v is Module m)
            {
                if (seen.Add(m)) yield return (CleanName(f.Name), m);
            }
            else if (v is IEnumerable<Module> list && v is not Module)
            {
                int i = 0;
                string prefix = CleanName(f.Name);
                foreach (var c in list)
                {
                    if (c != null && seen.Add(c)) yield return ($"{prefix}.{i}", c);
                    i++;
                }
            }
        }
    }

    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>This module's own parameters (not its children's).</summary>
    private IEnumerable<(string Name, Parameter Parameter)> OwnParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (n, p) in _parameters)
            if (seen.Add(p)) yield return (n, p);
        foreach (var f in Fields(GetType()))
            if (f.GetValue(this) is Parameter p && seen.Add(p))
                yield return (CleanName(f.Name), p);
    }

    /// <summary>All parameters with dotted names ("fc1.weight", "0.bias"), each parameter once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var item in NamedParametersCore(""))
            if (seen.Add(item.Parameter)) yield return item;
    }

    private IEnumerable<(string Name, Parameter Parameter)> NamedParametersCore(string prefix)
    {
        foreach (var (n, p) in OwnParameters()) yield return (prefix + n, p);
        foreach (var (n, m) in NamedChildren())
            foreach (var item in m.NamedParametersCore(prefix + n + "."))
                yield return item;
    }

    public IEnumerable<Parameter> Parameters() => new ModuleParameters(this);

    /// <summary>Total number of scalar parameters (only built layers count).</summary>
    public long ParameterCount() => Parameters().Sum(p => p.Numel);

    private void SetTraining(bool training)
    {
        IsTraining = training;
        foreach (var c in Children()) c.SetTraining(training);
    }

    public Module Train(bool mode = true) { SetTraining(mode); return this; }

    public Module Eval() { SetTraining(false); return this; }

    /// <summary>Setting freezes (false) or unfreezes (true) every parameter; reads true if any parameter requires grad.</summary>
    public bool RequiresGrad
    {
        get => Parameters().Any(p => p.RequiresGrad);
        set { foreach (var p in Parameters()) p.RequiresGrad = value; }
    }

    public void ZeroGrad() { foreach (var p in Parameters()) p.ZeroGrad(); }

    public override string ToString() => GetType().Name;
}
