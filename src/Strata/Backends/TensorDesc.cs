namespace Strata.Backends;

/// <summary>
/// What a backend kernel sees of a tensor: its buffer, element type and strided layout (in elements).
/// Carries no autograd state and no API behaviour, so backends stay independent of both.
/// </summary>
public readonly struct TensorDesc
{
    public readonly DeviceBuffer Buffer;
    public readonly DType DType;
    public readonly int[] Shape;
    public readonly int[] Strides;
    public readonly int Offset;

    public TensorDesc(DeviceBuffer buffer, DType dtype, int[] shape, int[] strides, int offset)
    {
        Buffer = buffer;
        DType = dtype;
        Shape = shape;
        Strides = strides;
        Offset = offset;
    }

    public int Rank => Shape.Length;

    public int Numel
    {
        get
        {
            int n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    public bool IsContiguous
    {
        get
        {
            // An empty tensor has no elements to be out of order (PyTorch calls it contiguous); without this
            // the size-0 dim zeroes the running stride and every outer dim looks misplaced.
            foreach (var d in Shape) if (d == 0) return true;
            int s = 1;
            for (int i = Shape.Length - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Strides[i] != s) return false;
                s *= Shape[i];
            }
            return true;
        }
    }

    /// <summary>The same memory seen with another shape and strides (no copy).</summary>
    public TensorDesc WithLayout(int[] shape, int[] strides, int offset) => new(Buffer, DType, shape, strides, offset);
}
