using Strata.Autograd;

namespace Strata;

// Joining and splitting along a dimension. Concat copies once into a fresh tensor; Split and Chunk return
// Narrow views, so their gradients come from the view machinery.
public sealed partial class Tensor
{
    /// <summary>Joins tensors of equal dtype and shape (except along <paramref name="dim"/>) end to end, as <c>torch.cat</c>.</summary>
    public static Tensor Concat(Tensor[] tensors, int dim = 0)
    {
        const string op = "concat";
        if (tensors == null || tensors.Length == 0) throw new ArgumentException($"{op}: needs at least one tensor.");
        var first = tensors[0];
        int d = first.NormalizeDim(op, dim);
        var shape = (int[])first._shape.Clone();
        shape[d] = 0;
        foreach (var t in tensors)
        {
            if (t.DType != first.DType)
                throw new ArgumentException($"{op}: dtypes differ ({first.DType.Name()} of shape {first.Shape} and {t.DType.Name()} of shape {t.Shape}).");
            CheckSameDevice(op, first, t);
            bool ok = t.Rank == first.Rank;
            for (int i = 0; ok && i < t.Rank; i++) ok = i == d || t._shape[i] == first._shape[i];
            if (!ok)
                throw new ArgumentException($"{op}: shapes {first.Shape} and {t.Shape} differ outside dimension {d}.");
            shape[d] += t._shape[d];
        }
        var y = Empty(op, shape, first.DType, first.Device);
        var starts = new int[tensors.Length];
        int at = 0;
        for (int k = 0; k < tensors.Length; k++)
        {
            var t = tensors[k];
            starts[k] = at;
            using var part = y.RegionView(d, at, t._shape[d]);
            y.Backend.Copy(t.Desc, part.Desc);
            at += t._shape[d];
        }
        if (Engine.ShouldRecord(tensors))
        {
            var inputs = (Tensor[])tensors.Clone();
            Engine.Record(y, op, inputs, (g, n) =>
            {
                for (int k = 0; k < inputs.Length; k++)
                    if (n.Needs(k)) n.Grads[k] = g.RegionView(d, starts[k], inputs[k]._shape[d]);
            });
        }
        return y;
    }

    /// <summary>An unrecorded view of elements [start, start+length) of dimension <paramref name="d"/>.</summary>
    private Tensor RegionView(int d, int start, int length)
    {
        var shape = (int[])_shape.Clone();
        shape[d] = length;
        return View(shape, _strides, _offset + start * _strides[d]);
    }

    /// <summary>Joins equally shaped tensors along a new dimension <paramref name="dim"/>, as <c>torch.stack</c>.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        const string op = "stack";
        if (tensors == null || tensors.Length == 0) throw new ArgumentException($"{op}: needs at least one tensor.");
        var first = tensors[0];
        foreach (var t in tensors)
            if (t.Shape != first.Shape)
                throw new ArgumentException($"{op}: all tensors must have the same shape, got {first.Shape} and {t.Shape}.");
        int d = dim < 0 ? dim + first.Rank + 1 : dim;
        if (d < 0 || d > first.Rank)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for tensors of shape {first.Shape}.");
        var parts = new Tensor[tensors.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = tensors[i].Unsqueeze(d);
        return Concat(parts, d);
    }

    /// <summary>Views of consecutive pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller), as <c>torch.split</c>.</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        int d = NormalizeDim("split", dim);
        if (splitSize <= 0) throw new ArgumentException($"split: split size must be positive, got {splitSize} (shape {Shape}).");
        int size = _shape[d];
        int count = Math.Max(1, (size + splitSize - 1) / splitSize);
        var sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.Min(splitSize, size - i * splitSize);
        return Split(sizes, d);
    }

    /// <summary>Views of pieces with the given <paramref name="sizes"/> along <paramref name="dim"/>; the sizes must add up to that dimension.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        int d = NormalizeDim("split", dim);
        long total = 0;
        foreach (var s in sizes)
        {
            if (s < 0) throw new ArgumentException($"split: sizes [{string.Join(", ", sizes)}] contain a negative size (shape {Shape}).");
            total += s;
        }
        if (total != _shape[d])
            throw new ArgumentException($"split: sizes [{string.Join(", ", sizes)}] add up to {total}, not to dimension {d} of shape {Shape}.");
        var result = new Tensor[sizes.Length];
        int at = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            result[i] = Narrow(d, at, sizes[i]);
            at += sizes[i];
        }
        return result;
    }

    /// <summary>Splits into at most <paramref name="chunks"/> views of size ceil(n / chunks) along <paramref name="dim"/>, as <c>torch.chunk</c>.</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        int d = NormalizeDim("chunk", dim);
        if (chunks <= 0) throw new ArgumentException($"chunk: number of chunks must be positive, got {chunks} (shape {Shape}).");
        int size = _shape[d];
        int piece = (size + chunks - 1) / chunks;
        if (piece == 0) return new[] { Narrow(d, 0, 0) };
        return Split(piece, d);
    }
}

/// <summary>Functional neural-network ops, as PyTorch's <c>torch.nn.functional</c>.</summary>
public static partial class Functional
{
    /// <summary>
    /// Pads with a constant <paramref name="value"/>. <paramref name="pad"/> lists (before, after) pairs starting from the
    /// last dimension, as <c>torch.nn.functional.pad</c>; negative amounts crop.
    /// </summary>
    public static Tensor Pad(Tensor x, int[] pad, double value = 0)
    {
        const string op = "pad";
        if (pad.Length % 2 != 0 || pad.Length / 2 > x.Rank)
            throw new ArgumentException($"{op}: padding [{string.Join(", ", pad)}] must be pairs for at most {x.Rank} dimensions (input shape {x.Shape}).");
        int rank = x.Rank;
        var outShape = x.Shape.ToArray();
        var srcStart = new int[rank];
        var dstStart = new int[rank];
        var len = x.Shape.ToArray();
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = rank - 1 - k;
            int before = pad[2 * k], after = pad[2 * k + 1];
            int size = x.Size(d);
            int newSize = size + before + after;
            if (newSize < 0)
                throw new ArgumentException($"{op}: padding [{string.Join(", ", pad)}] makes dimension {d} of input shape {x.Shape} negative ({newSize}).");
            outShape[d] = newSize;
            srcStart[d] = Math.Max(0, -before);
            dstStart[d] = Math.Max(0, before);
            len[d] = Math.Max(0, size - Math.Max(0, -before) - Math.Max(0, -after));
        }
        var y = Tensor.Full(outShape, value, x.DType, x.Device);
        using (var src = Region(x, srcStart, len))
        using (var dst = Region(y, dstStart, len))
            y.Backend.Copy(src.Desc, dst.Desc);
        if (Engine.ShouldRecord(x))
        {
            var inShape = x.Shape.ToArray();
            Engine.Record(y, op, new[] { x }, (g, n) =>
            {
                var gx = Tensor.Zeros(inShape, g.DType, g.Device);
                using (var src = Region(g, dstStart, len))
                using (var dst = Region(gx, srcStart, len))
                    gx.Backend.Copy(src.Desc, dst.Desc);
                n.Grads[0] = gx;
            });
        }
        return y;
    }

    /// <summary>An unrecorded view of the box starting at <paramref name="start"/> with sizes <paramref name="len"/>.</summary>
    private static Tensor Region(Tensor t, int[] start, int[] len)
    {
        int offset = t.StorageOffset;
        var strides = t.Strides;
        for (int i = 0; i < start.Length; i++) offset += start[i] * strides[i];
        return t.View((int[])len.Clone(), strides, offset);
    }
}
