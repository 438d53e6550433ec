namespace Strata.Serialization;

/// <summary>
/// The contents of a safetensors file loaded by <see cref="SafeTensors.Load"/>: its tensors, in header order, and
/// its string metadata. The tensors are CPU tensors outside every <see cref="TensorScope"/>; they belong to this
/// object, which disposes them all in <see cref="Dispose"/>. Take one out with <see cref="Detach(string)"/> to keep
/// it beyond that.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    internal SafeTensorsFile(string path, OrderedDictionary<string, Tensor> tensors, Dictionary<string, string> fileDTypes, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        FileDTypes = fileDTypes;
        Metadata = metadata;
    }

    /// <summary>The file the tensors were read from.</summary>
    public string Path { get; }

    /// <summary>The tensors by name, in the order of the file's header.</summary>
    public OrderedDictionary<string, Tensor> Tensors { get; }

    /// <summary>Each tensor's dtype code in the file ("F32", "BF16", ...); differs from the tensor's dtype when it was widened on load.</summary>
    public IReadOnlyDictionary<string, string> FileDTypes { get; }

    /// <summary>The file's <c>__metadata__</c> (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor (the message lists the names it has).</exception>
    public Tensor this[string name] => Tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"SafeTensorsFile: '{Path}' has no tensor named '{name}'; it has {Describe(Tensors.Keys)}.");

    /// <summary>Removes the tensor from this object and hands it to the caller, who disposes it.</summary>
    public Tensor Detach(string name)
    {
        var t = this[name];
        Tensors.Remove(name);
        return t;
    }

    /// <summary>Disposes every tensor still held.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }

    internal static string Describe(IEnumerable<string> names)
    {
        var list = names.Take(11).ToList();
        if (list.Count == 0) return "none";
        return list.Count > 10 ? string.Join(", ", list.Take(10).Select(n => $"'{n}'")) + ", ..." : string.Join(", ", list.Select(n => $"'{n}'"));
    }
}
