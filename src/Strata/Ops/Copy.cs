using Strata.Autograd;

namespace Strata;

public sealed partial class Tensor
{
    /// <summary>This tensor if it is already contiguous, else a contiguous copy (differentiable).</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A contiguous copy with its own memory (differentiable).</summary>
    public Tensor Clone()
    {
        var y = Empty("clone", _shape, DType, Device);
        Backend.Copy(Desc, y.Desc);
        if (Engine.ShouldRecord(this))
            Engine.Record(y, "clone", new[] { this }, static (g, n) => n.Grads[0] = g);
        return y;
    }

    /// <summary>Converts to another dtype (a copy; differentiable between floating dtypes).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var y = Empty("to", _shape, dtype, Device);
        Backend.Copy(Desc, y.Desc);
        if (dtype.IsFloating() && DType.IsFloating() && Engine.ShouldRecord(this))
        {
            var src = DType;
            Engine.Record(y, "to", new[] { this }, (g, n) => n.Grads[0] = g.To(src));
        }
        return y;
    }

    /// <summary>Copies to another device (through host memory when neither side is the CPU).</summary>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var host = Contiguous().ToArrayBytes();
        var y = Empty("to", _shape, DType, device);
        y.Backend.Upload<byte>(host, y.Desc);
        return y;
    }

    private byte[] ToArrayBytes()
    {
        var bytes = new byte[Numel * DType.SizeOf()];
        Backend.Download<byte>(new Backends.TensorDesc(Buffer, DType.Bool, new[] { bytes.Length }, new[] { 1 }, _offset * DType.SizeOf()), bytes);
        return bytes;
    }

    /// <summary>A tensor sharing this one's memory but outside the graph (no gradient flows through it).</summary>
    public Tensor Detach() => View(_shape, _strides, _offset);

    /// <summary>Copies <paramref name="src"/> (broadcast to this shape, converted to this dtype) into this tensor, in place. Not recorded.</summary>
    public Tensor CopyFrom(Tensor src)
    {
        CheckInPlace("copy_");
        var s = src.BroadcastView("copy_", _shape);
        Backend.Copy(s.Desc, Desc);
        if (!ReferenceEquals(s, src)) s.Dispose();
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>, in place. Not recorded.</summary>
    public Tensor Fill_(double value)
    {
        CheckInPlace("fill_");
        Backend.Fill(Desc, value);
        return this;
    }

    /// <summary>Zeros this tensor in place.</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>this += other (broadcast), in place. Not recorded.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        CheckInPlace("add_");
        if (other.DType != DType) throw new ArgumentException($"add_: dtype {other.DType.Name()} (shape {other.Shape}) does not match {DType.Name()} (shape {Shape}).");
        var o = other.BroadcastView("add_", _shape);
        if (alpha == 1) Backend.Binary(Backends.BinaryOp.Add, Desc, o.Desc, Desc);
        else
        {
            using var scaled = o.MulScalarNoGrad(alpha);
            Backend.Binary(Backends.BinaryOp.Add, Desc, scaled.Desc, Desc);
        }
        if (!ReferenceEquals(o, other)) o.Dispose();
        return this;
    }

    private void CheckInPlace(string op)
    {
        if (GradMode.IsEnabled && RequiresGrad)
            throw new InvalidOperationException($"{op}: in-place change to a {DType.Name()} tensor of shape {Shape} that requires grad is not recorded; wrap it in GradMode.NoGrad() or use the out-of-place op.");
    }

    private Tensor MulScalarNoGrad(double s)
    {
        var y = Empty("mul", _shape, DType, Device);
        Backend.Unary(Backends.UnaryOp.Affine, Desc, y.Desc, s, 0);
        return y;
    }
}
