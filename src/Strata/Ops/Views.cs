using Strata.Autograd;

namespace Strata;

// View ops: new shape/strides over the same buffer, no copy. Backward maps the gradient back to the input's layout.
public sealed partial class Tensor
{
    /// <summary>Same data in a new shape; one dimension may be -1. Copies only when the layout cannot be viewed.</summary>
    public Tensor Reshape(params int[] shape)
    {
        var target = InferShape("reshape", shape);
        var strides = ViewStrides(target);
        Tensor y = strides != null ? View(target, strides, _offset) : Contiguous().ViewContiguous(target);
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            Engine.Record(y, "reshape", new[] { this }, (g, n) => n.Grads[0] = g.Reshape(inShape));
        }
        return y;
    }

    /// <summary>As <see cref="Reshape"/>, but fails instead of copying when the layout cannot be viewed (as PyTorch's <c>view</c>).</summary>
    public Tensor View(params int[] shape)
    {
        var target = InferShape("view", shape);
        if (ViewStrides(target) == null)
            throw new InvalidOperationException($"view: shape {Shape} with strides [{string.Join(", ", _strides)}] cannot be viewed as [{string.Join(", ", target)}]; call Reshape() or Contiguous() first.");
        return Reshape(target);
    }

    private Tensor ViewContiguous(int[] shape) => View(shape, Strata.Shape.ContiguousStrides(shape), _offset);

    private int[] InferShape(string op, int[] shape)
    {
        var target = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be -1, got [{string.Join(", ", shape)}].");
                infer = i;
            }
            else if (target[i] < 0) throw new ArgumentException($"{op}: invalid size {target[i]} in [{string.Join(", ", shape)}].");
            else known *= target[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"{op}: shape [{string.Join(", ", shape)}] is invalid for a tensor of shape {Shape} ({Numel} elements).");
            target[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
            throw new ArgumentException($"{op}: shape [{string.Join(", ", shape)}] is invalid for a tensor of shape {Shape} ({Numel} elements).");
        return target;
    }

    // Strides for viewing this layout as `target`, or null when a copy is needed (the algorithm of ATen's computeStride).
    private int[]? ViewStrides(int[] target)
    {
        if (IsContiguous || Numel == 0) return Strata.Shape.ContiguousStrides(target);
        var result = new int[target.Length];
        int viewD = target.Length - 1;
        long chunkBaseStride = _strides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int td = _shape.Length - 1; td >= 0; td--)
        {
            tensorNumel *= _shape[td];
            if (td == 0 || (_shape[td - 1] != 1 && _strides[td - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1))
                {
                    result[viewD] = (int)(viewNumel * chunkBaseStride);
                    viewNumel *= target[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (td > 0)
                {
                    chunkBaseStride = _strides[td - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD != -1 ? null : result;
    }

    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = NormalizeDim("flatten", startDim), e = NormalizeDim("flatten", endDim);
        if (s > e) throw new ArgumentException($"flatten: startDim {startDim} comes after endDim {endDim} for shape {Shape}.");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        int m = 1;
        for (int i = s; i <= e; i++) m *= _shape[i];
        shape.Add(m);
        for (int i = e + 1; i < Rank; i++) shape.Add(_shape[i]);
        return Reshape(shape.ToArray());
    }

    /// <summary>Reorders dimensions: result dimension i is input dimension dims[i].</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank) throw new ArgumentException($"permute: {dims.Length} dims given for a tensor of rank {Rank} (shape {Shape}).");
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = NormalizeDim("permute", dims[i]);
            if (seen[d]) throw new ArgumentException($"permute: dimension {d} repeated in [{string.Join(", ", dims)}].");
            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
            inverse[d] = i;
        }
        var y = View(shape, strides, _offset);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "permute", new[] { this }, (g, n) => n.Grads[0] = g.Permute(inverse));
        return y;
    }

    public Tensor Transpose(int dim0, int dim1)
    {
        int a = NormalizeDim("transpose", dim0), b = NormalizeDim("transpose", dim1);
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>Transpose of a 2-D tensor (the last two dims of a batch).</summary>
    public Tensor T => Rank < 2 ? this : Transpose(-2, -1);

    /// <summary>Elements start .. start+length-1 of one dimension (negative start counts from the end).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = NormalizeDim("narrow", dim);
        if (start < 0) start += _shape[d];
        if (start < 0 || length < 0 || start + length > _shape[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow: range [{start}, {start + length}) is outside dimension {dim} of size {_shape[d]} (shape {Shape}).");
        return Slice(d, start, start + length, 1);
    }

    /// <summary>Elements start, start+step, … below end of one dimension; start/end may be negative, as in Python slices.</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = NormalizeDim("slice", dim);
        if (step <= 0) throw new ArgumentException($"slice: step must be positive, got {step}.");
        int size = _shape[d];
        if (start < 0) start += size;
        if (end < 0) end += size;
        start = Math.Clamp(start, 0, size);
        end = Math.Clamp(end, start, size);
        int len = (end - start + step - 1) / step;
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        shape[d] = len;
        strides[d] = _strides[d] * step;
        var y = View(shape, strides, _offset + start * _strides[d]);
        if (Engine.ShouldRecord(this))
        {
            Engine.Record(y, "slice", new[] { this }, (g, n) =>
            {
                // The engine adds g into the slice's region of the input's gradient (no full-size tensor per slice).
                n.Grads[0] = g;
                n.GradSlice = (d, start, end, step);
            });
        }
        return y;
    }

    /// <summary>The slice at <paramref name="index"/> of one dimension, which is removed (negative index counts from the end).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = NormalizeDim("select", dim);
        int size = _shape[d];
        if (index < -size || index >= size)
            throw new ArgumentOutOfRangeException(nameof(index), $"select: index {index} is out of range for dimension {dim} of size {size} (shape {Shape}).");
        if (index < 0) index += size;
        var narrowed = Narrow(d, index, 1);
        return Finish(narrowed.Squeeze(d), narrowed);
    }

    /// <summary>Removes dimensions of size 1 (all of them, or just <paramref name="dim"/>).</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var shape = new List<int>();
        var strides = new List<int>();
        int only = dim.HasValue ? NormalizeDim("squeeze", dim.Value) : -1;
        for (int i = 0; i < Rank; i++)
        {
            if (_shape[i] == 1 && (only < 0 || only == i)) continue;
            shape.Add(_shape[i]);
            strides.Add(_strides[i]);
        }
        var y = View(shape.ToArray(), strides.ToArray(), _offset);
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            Engine.Record(y, "squeeze", new[] { this }, (g, n) => n.Grads[0] = g.Reshape(inShape));
        }
        return y;
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (which may be Rank, or negative).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = dim < 0 ? dim + Rank + 1 : dim;
        if (d < 0 || d > Rank) throw new ArgumentOutOfRangeException(nameof(dim), $"unsqueeze: dimension {dim} is out of range for shape {Shape}.");
        var shape = new int[Rank + 1];
        var strides = new int[Rank + 1];
        for (int i = 0, j = 0; i <= Rank; i++)
        {
            if (i == d)
            {
                shape[i] = 1;
                strides[i] = j < Rank ? _strides[j] * _shape[j] : 1;
                continue;
            }
            shape[i] = _shape[j];
            strides[i] = _strides[j];
            j++;
        }
        var y = View(shape, strides, _offset);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "unsqueeze", new[] { this }, (g, n) => n.Grads[0] = g.Squeeze(d));
        return y;
    }

    /// <summary>Broadcasts to <paramref name="shape"/> without copying (-1 keeps a dimension), as PyTorch's <c>expand</c>.</summary>
    public Tensor Expand(params int[] shape)
    {
        if (shape.Length < Rank) throw new ArgumentException($"expand: target [{string.Join(", ", shape)}] has fewer dimensions than {Shape}.");
        var target = (int[])shape.Clone();
        int lead = shape.Length - Rank;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] != -1) continue;
            if (i < lead) throw new ArgumentException($"expand: -1 is not allowed for new leading dimension {i}.");
            target[i] = _shape[i - lead];
        }
        return BroadcastTo(target);
    }

    /// <summary>Broadcasts to <paramref name="shape"/> without copying; backward sums over the broadcast dimensions.</summary>
    public Tensor BroadcastTo(params int[] shape)
    {
        var y = BroadcastView("broadcast_to", shape);
        if (ReferenceEquals(y, this)) return this;
        if (Engine.ShouldRecord(this))
        {
            var inShape = _shape;
            Engine.Record(y, "expand", new[] { this }, (g, n) => n.Grads[0] = g.SumTo(inShape));
        }
        return y;
    }

    /// <summary>A stride-0 view broadcast to <paramref name="shape"/> (not recorded; ops record their own backward).</summary>
    internal Tensor BroadcastView(string op, int[] shape)
    {
        if (_shape.AsSpan().SequenceEqual(shape)) return this;
        if (shape.Length < Rank)
            throw new ArgumentException($"{op}: cannot broadcast shape {Shape} to [{string.Join(", ", shape)}].");
        var strides = new int[shape.Length];
        int lead = shape.Length - Rank;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < lead) { strides[i] = 0; continue; }
            int s = _shape[i - lead];
            if (s == shape[i]) strides[i] = _strides[i - lead];
            else if (s == 1) strides[i] = 0;
            else throw new ArgumentException($"{op}: cannot broadcast shape {Shape} to [{string.Join(", ", shape)}] (dimension {i}: {s} vs {shape[i]}).");
        }
        return View((int[])shape.Clone(), strides, _offset);
    }
}
