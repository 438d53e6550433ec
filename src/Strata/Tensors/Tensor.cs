using Strata.Autograd;
using Strata.Backends;

namespace Strata;

/// <summary>
/// An n-dimensional array on a device, with reverse-mode autograd. A tensor is a strided view of a pooled,
/// reference-counted buffer: reshape, transpose, slicing and broadcasting make new views without copying.
/// Tensors created inside a <see cref="TensorScope"/> are released when the scope ends unless kept; others
/// are released by <see cref="Dispose"/> (or, as a last resort, by the garbage collector).
/// </summary>
public sealed partial class Tensor : IDisposable
{
    internal DeviceBuffer _buffer;
    internal readonly int[] _shape;
    internal readonly int[] _strides;
    internal readonly int _offset;
    private bool _disposed;
    internal TensorScope? _scope;
    private bool _requiresGrad;
    internal Node? _gradFn;

    internal Tensor(DeviceBuffer buffer, DType dtype, int[] shape, int[] strides, int offset, bool addRef)
    {
        if (addRef) buffer.AddRef();
        _buffer = buffer;
        DType = dtype;
        _shape = shape;
        _strides = strides;
        _offset = offset;
        TensorScope.Register(this);
    }

    /// <summary>A new contiguous tensor with undefined contents.</summary>
    internal static Tensor Empty(string op, ReadOnlySpan<int> shape, DType dtype, Device device)
    {
        int n = Shape.CheckedNumel(op, shape);
        var arr = shape.ToArray();
        var buf = BackendRegistry.For(device).Allocate(dtype, n);
        return new Tensor(buf, dtype, arr, Strata.Shape.ContiguousStrides(arr), 0, addRef: false);
    }

    public DType DType { get; }

    public Device Device => Buffer.Device;

    public Shape Shape => new(_shape, noCopy: true);

    public int Rank => _shape.Length;

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public int Size(int dim) => _shape[NormalizeDim("size", dim)];

    public long Numel
    {
        get
        {
            long n = 1;
            foreach (var d in _shape) n *= d;
            return n;
        }
    }

    /// <summary>Strides in elements.</summary>
    public int[] Strides => (int[])_strides.Clone();

    public int StorageOffset => _offset;

    public bool IsContiguous
    {
        get
        {
            // An empty tensor has no elements to be out of order (PyTorch calls it contiguous); without this
            // the size-0 dim zeroes the running stride and every outer dim looks misplaced.
            foreach (var d in _shape) if (d == 0) return true;
            int s = 1;
            for (int i = _shape.Length - 1; i >= 0; i--)
            {
                if (_shape[i] != 1 && _strides[i] != s) return false;
                s *= _shape[i];
            }
            return true;
        }
    }

    /// <summary>Whether gradients flow to this tensor. Settable on leaves with a floating dtype.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || _gradFn != null;
        set
        {
            if (_gradFn != null && !value)
                throw new InvalidOperationException("RequiresGrad can only be cleared on leaf tensors; use Detach() to get a tensor outside the graph.");
            if (value && !DType.IsFloating())
                throw new InvalidOperationException($"Only floating-point tensors can require gradients (this one is {DType.Name()}).");
            _requiresGrad = value;
        }
    }

    /// <summary>Accumulated gradient of a leaf after <see cref="Backward(Tensor?, bool)"/>; lives outside scopes.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True for tensors not produced by a recorded op.</summary>
    public bool IsLeaf => _gradFn == null;

    /// <summary>Name of the op that produced this tensor, if it is part of a graph.</summary>
    public string? GradFnName => _gradFn?.Op;

    internal Node? GradFn => _gradFn;

    internal DeviceBuffer Buffer
    {
        get
        {
            if (_disposed) throw Released();
            return _buffer;
        }
    }

    internal IBackend Backend => BackendRegistry.For(Buffer.Device);

    internal TensorDesc Desc => new(Buffer, DType, _shape, _strides, _offset);

    public bool IsDisposed => _disposed;

    private ObjectDisposedException Released() => new(nameof(Tensor),
        $"This {DType.Name()} tensor of shape {Shape} was released (its scope ended or it was disposed). Keep it with scope.Keep(t) or create it outside the scope.");

    /// <summary>Releases this tensor's reference to its buffer. Views of the same buffer stay valid.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _buffer.Release();
        if (Grad is { } g && g._scope == null) g.Dispose();
        Grad = null;
    }

    /// <summary>
    /// Releases the intermediates of a composite op once <paramref name="result"/> exists, unless a graph was
    /// recorded: then backward closures may still read them, and the enclosing scope releases them later.
    /// </summary>
    internal static Tensor Finish(Tensor result, Tensor a, Tensor? b = null, Tensor? c = null, Tensor? d = null)
    {
        if (result.RequiresGrad) return result;
        Release(a, result);
        Release(b, result);
        Release(c, result);
        Release(d, result);
        return result;
    }

    private static void Release(Tensor? t, Tensor result)
    {
        if (t != null && !ReferenceEquals(t, result)) t.Dispose();
    }

    internal int NormalizeDim(string op, int dim)
    {
        int r = _shape.Length;
        int d = dim < 0 ? dim + r : dim;
        if (d < 0 || d >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a tensor of shape {Shape} (rank {r}).");
        return d;
    }

    /// <summary>A view of the same memory with another layout; autograd for views is recorded by the caller.</summary>
    internal Tensor View(int[] shape, int[] strides, int offset) => new(Buffer, DType, shape, strides, offset, addRef: true);
}
