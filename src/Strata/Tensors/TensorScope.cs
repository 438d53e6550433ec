namespace Strata;

/// <summary>
/// Deterministic lifetime for tensors. Every tensor created on this thread while the scope is the innermost
/// one belongs to it and is released when the scope is disposed, unless it was kept (<see cref="Keep"/>:
/// the caller owns it) or returned (<see cref="Return"/>: the enclosing scope owns it). Scopes nest and must
/// be disposed in reverse order. The ownership lists are recycled, so opening one per training step allocates
/// only the small scope object itself (a fresh object, so a stale reference can never close a newer scope).
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;
    [ThreadStatic] private static Stack<List<Tensor>>? _freeLists;
    [ThreadStatic] private static int _suspended;

    private List<Tensor> _owned = null!;
    private TensorScope? _parent;
    private bool _active;

    private TensorScope() { }

    /// <summary>The innermost open scope on this thread, if any.</summary>
    public static TensorScope? Current => _current;

    /// <summary>Opens a scope; dispose it (with <c>using</c>) to release the tensors created inside it.</summary>
    public static TensorScope Begin()
    {
        var free = _freeLists ??= new Stack<List<Tensor>>();
        var s = new TensorScope { _owned = free.Count > 0 ? free.Pop() : new List<Tensor>() };
        s._parent = _current;
        s._active = true;
        _current = s;
        return s;
    }

    internal static void Register(Tensor t)
    {
        var s = _current;
        if (s == null || _suspended > 0) return;
        t._scope = s;
        s._owned.Add(t);
    }

    /// <summary>Takes <paramref name="tensor"/> out of every scope: the caller now owns it and disposes it.</summary>
    public Tensor Keep(Tensor tensor)
    {
        tensor._scope = null;
        return tensor;
    }

    /// <summary>Moves <paramref name="tensor"/> to the enclosing scope (or to the caller when there is none).</summary>
    public Tensor Return(Tensor tensor)
    {
        tensor._scope = null;
        if (_parent != null)
        {
            tensor._scope = _parent;
            _parent._owned.Add(tensor);
        }
        return tensor;
    }

    /// <summary>Number of tensors this scope would release now.</summary>
    public int Count
    {
        get
        {
            int n = 0;
            if (!_active) return 0;
            foreach (var t in _owned) if (t._scope == this && !t.IsDisposed) n++;
            return n;
        }
    }

    public void Dispose()
    {
        if (!_active) return;
        if (_current != this)
            throw new InvalidOperationException("TensorScope: scopes must be disposed in the reverse order they were opened.");
        foreach (var t in _owned)
            if (t._scope == this)
            {
                t._scope = null;
                t.Dispose();
            }
        _owned.Clear();
        _current = _parent;
        _parent = null;
        _active = false;
        _freeLists!.Push(_owned);
        _owned = null!;
    }

    /// <summary>While the returned handle is alive, new tensors on this thread belong to no scope (parameters, optimizer state, gradients of leaves).</summary>
    internal static SuspendHandle Suspend()
    {
        _suspended++;
        return new SuspendHandle();
    }

    internal readonly struct SuspendHandle : IDisposable
    {
        public void Dispose() => _suspended--;
    }
}

public sealed partial class Tensor
{
    /// <summary>Opens a <see cref="TensorScope"/>: <c>using var scope = Tensor.Scope();</c></summary>
    public static TensorScope Scope() => TensorScope.Begin();
}
