namespace Strata.NN;

// Buffers: module state that is saved and loaded with the parameters but never trained (BatchNorm's running statistics).
public abstract partial class Module
{
    private readonly List<(string Name, Tensor Buffer)> _buffers = new();

    /// <summary>
    /// Registers <paramref name="tensor"/> as a buffer (PyTorch <c>register_buffer</c>): it appears in <see cref="StateDict"/>
    /// and <see cref="NamedBuffers"/> but not in <see cref="Parameters"/>, so optimizers never update it. The module takes
    /// ownership: the tensor is taken out of every <see cref="TensorScope"/> and lives as long as the module.
    /// </summary>
    /// <returns>The registered tensor.</returns>
    public Tensor RegisterBuffer(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}.RegisterBuffer: the name must be non-empty and contain no '.', got '{name}'.", nameof(name));
        if (_buffers.Any(b => b.Name == name) || OwnParameters().Any(p => p.Name == name))
            throw new ArgumentException($"{GetType().Name}.RegisterBuffer: a buffer or parameter named '{name}' already exists.", nameof(name));
        if (tensor.IsDisposed)
            throw new ArgumentException($"{GetType().Name}.RegisterBuffer: buffer '{name}' is a disposed tensor.", nameof(tensor));
        if (!tensor.IsLeaf)
            throw new ArgumentException($"{GetType().Name}.RegisterBuffer: buffer '{name}' must be a leaf tensor, got the output of '{tensor.GradFnName}'; pass t.Detach() or a fresh tensor.", nameof(tensor));
        TensorScope.Current?.Keep(tensor);
        _buffers.Add((name, tensor));
        return tensor;
    }

    /// <summary>All buffers with dotted names ("1.running_mean"), this module's first, each tensor once.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var item in NamedBuffersCore(""))
            if (seen.Add(item.Buffer)) yield return item;
    }

    /// <summary>All buffers, in the order of <see cref="NamedBuffers"/>.</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    private IEnumerable<(string Name, Tensor Buffer)> NamedBuffersCore(string prefix)
    {
        foreach (var (n, b) in _buffers) yield return (prefix + n, b);
        foreach (var (n, m) in NamedChildren())
            foreach (var item in m.NamedBuffersCore(prefix + n + "."))
                yield return item;
    }

    /// <summary>This module and every descendant once, pre-order, with dotted names ("" for this module) and depth.</summary>
    private IEnumerable<(string Name, Module Module, int Depth)> WalkModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module, int)>();
        stack.Push(("", this, 0));
        while (stack.Count > 0)
        {
            var (name, m, depth) = stack.Pop();
            if (!seen.Add(m)) continue;
            yield return (name, m, depth);
            var children = m.NamedChildren().ToList();
            for (int i = children.Count - 1; i >= 0; i--)
                stack.Push((name.Length == 0 ? children[i].Name : name + "." + children[i].Name, children[i].Module, depth + 1));
        }
    }
}
