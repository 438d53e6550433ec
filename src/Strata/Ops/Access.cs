using System.Globalization;
using System.Text;
using Strata.Autograd;

namespace Strata;

// Reading values back to the host, and autograd entry points.
public sealed partial class Tensor
{
    /// <summary>All elements in row-major order as a new array of <typeparamref name="T"/> (converting dtype when needed).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var want = DTypeInfo.Of<T>();
        var src = want == DType ? this : ConvertNoGrad(want);
        var result = new T[src.Numel];
        if (want == DType.Bool)
        {
            var bytes = new byte[src.Numel];
            src.Backend.Download<byte>(src.Desc, bytes);
            for (int i = 0; i < bytes.Length; i++) result[i] = (T)(object)(bytes[i] != 0);
        }
        else src.Backend.Download<T>(src.Desc, result);
        if (!ReferenceEquals(src, this)) src.Dispose();
        return result;
    }

    /// <summary>The elements as doubles, whatever the dtype (for tests and printing).</summary>
    public double[] ToDoubleArray() => ToArray<double>();

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item: only one-element tensors can be converted to a scalar, this one has shape {Shape}.");
        return ToArray<double>()[0];
    }

    public T Item<T>() where T : unmanaged
    {
        if (Numel != 1) throw new InvalidOperationException($"Item: only one-element tensors can be converted to a scalar, this one has shape {Shape}.");
        return ToArray<T>()[0];
    }

    /// <summary>Backpropagates from this tensor, accumulating into the <see cref="Grad"/> of every leaf that requires grad.</summary>
    /// <param name="gradient">Gradient of the final objective with respect to this tensor; implied 1 for a scalar.</param>
    /// <param name="retainGraph">Keep the graph so Backward can run through it again.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Engine.Backward(this, gradient, retainGraph);

    /// <summary>PyTorch-style text: <c>tensor([[1.0000, 2.0000], …])</c>, summarised with "..." when large.</summary>
    public override string ToString()
    {
        if (IsDisposed) return $"tensor(<released>, shape={Shape}, dtype={DType.Name()})";
        var values = ToDoubleArray();
        bool summarise = values.Length > 1000;
        bool floating = DType.IsFloating();
        bool allInt = floating && values.All(v => double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 1e8);
        bool sci = floating && !allInt && values.Any(v => double.IsFinite(v) && v != 0 && (Math.Abs(v) >= 1e8 || Math.Abs(v) < 1e-4));
        string Fmt(double v)
        {
            if (DType == DType.Bool) return v != 0 ? "True" : "False";
            if (!floating) return ((long)v).ToString(CultureInfo.InvariantCulture);
            if (double.IsNaN(v)) return "nan";
            if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            if (allInt) return v.ToString("0", CultureInfo.InvariantCulture) + ".";
            return sci ? v.ToString("0.0000e+00", CultureInfo.InvariantCulture) : v.ToString("0.0000", CultureInfo.InvariantCulture);
        }
        int width = 0;
        foreach (var v in values) width = Math.Max(width, Fmt(v).Length);
        var sb = new StringBuilder("tensor(");
        var contig = Strata.Shape.ContiguousStrides(_shape);
        void Write(int dim, int offset, int indent)
        {
            if (dim == Rank)
            {
                sb.Append(Fmt(values[offset]).PadLeft(width));
                return;
            }
            sb.Append('[');
            int n = _shape[dim];
            bool cut = summarise && n > 6;
            for (int i = 0; i < n; i++)
            {
                if (cut && i == 3)
                {
                    sb.Append(dim == Rank - 1 ? " ..., " : "...,\n" + new string(' ', indent + 1)); // PyTorch: "2,  ..., 1997"
                    i = n - 3;
                }
                Write(dim + 1, offset + i * contig[dim], indent + 1);
                if (i < n - 1)
                {
                    if (dim == Rank - 1) sb.Append(", ");
                    else sb.Append(',').Append('\n', Rank - dim - 1).Append(' ', indent + 1);
                }
            }
            sb.Append(']');
        }
        Write(0, 0, 7);
        if (DType != DType.Float32 && DType != DType.Int64 && DType != DType.Bool) sb.Append(", dtype=").Append(DType.Name());
        if (_gradFn != null) sb.Append(", grad_fn=<").Append(_gradFn.Op).Append(">");
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        sb.Append(')');
        return sb.ToString();
    }
}
