using System.Numerics;

namespace Strata.Backends.Cpu;

// Convolution entry points; the work is done by ConvJob (one call's geometry and its GEMM/im2col schedule).
public sealed unsafe partial class CpuBackend
{

    public void Conv2d(in TensorDesc x, in TensorDesc w, in TensorDesc bias, in TensorDesc y, in Conv2dParams p)
    {
        switch (y.DType)
        {
            case DType.Float32: new ConvJob<float>(this, x, w, y, p).Forward(bias); break;
            case DType.Float64: new ConvJob<double>(this, x, w, y, p).Forward(bias); break;
            default: throw new NotSupportedException($"conv2d: dtype {y.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    public void Conv2dBackwardInput(in TensorDesc gy, in TensorDesc w, in TensorDesc gx, in Conv2dParams p)
    {
        switch (gx.DType)
        {
            case DType.Float32: new ConvJob<float>(this, gx, w, gy, p).BackwardInput(); break;
            case DType.Float64: new ConvJob<double>(this, gx, w, gy, p).BackwardInput(); break;
            default: throw new NotSupportedException($"conv2d: dtype {gx.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    public void Conv2dBackwardWeight(in TensorDesc x, in TensorDesc gy, in TensorDesc gw, in Conv2dParams p)
    {
        switch (gw.DType)
        {
            case DType.Float32: new ConvJob<float>(this, x, gw, gy, p).BackwardWeight(); break;
            case DType.Float64: new ConvJob<double>(this, x, gw, gy, p).BackwardWeight(); break;
            default: throw new NotSupportedException($"conv2d: dtype {gw.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    internal static void GemmT<T>(int m, int n, int k, T* a, int rsa, int csa, T* b, int rsb, int csb, T* c, int rsc, int csc, bool accumulate,
        bool parallel = true)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(m, n, k, (float*)a, rsa, csa, (float*)b, rsb, csb, (float*)c, rsc, csc, accumulate, parallel);
        else
            Gemm.Dgemm(m, n, k, (double*)a, rsa, csa, (double*)b, rsb, csb, (double*)c, rsc, csc, accumulate, parallel);
    }
}
