namespace Strata.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void Matmul(in TensorDesc a, in TensorDesc b, in TensorDesc c, bool accumulate = false)
    {
        int batch = c.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        switch (c.DType)
        {
            case DType.Float32:
                for (int i = 0; i < batch; i++)
                    Gemm.Sgemm(m, n, k,
                        Ptr<float>(a) + (long)i * a.Strides[0], a.Strides[1], a.Strides[2],
                        Ptr<float>(b) + (long)i * b.Strides[0], b.Strides[1], b.Strides[2],
                        Ptr<float>(c) + (long)i * c.Strides[0], c.Strides[1], c.Strides[2], accumulate);
                break;
            case DType.Float64:
                for (int i = 0; i < batch; i++)
                    Gemm.Dgemm(m, n, k,
                        Ptr<double>(a) + (long)i * a.Strides[0], a.Strides[1], a.Strides[2],
                        Ptr<double>(b) + (long)i * b.Strides[0], b.Strides[1], b.Strides[2],
                        Ptr<double>(c) + (long)i * c.Strides[0], c.Strides[1], c.Strides[2], accumulate);
                break;
            default:
                throw new NotSupportedException($"matmul: dtype {c.DType.Name()} is not supported; use float32 or float64.");
        }
    }

    public void MatmulBias(in TensorDesc a, in TensorDesc b, in TensorDesc bias, in TensorDesc c)
    {
        int batch = c.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        if (bias.Rank != 1 || bias.Shape[0] != n || bias.Strides[0] != 1)
            throw new ArgumentException($"matmul_bias: bias must be contiguous with shape [{n}], got shape [{string.Join(", ", bias.Shape)}] and strides [{string.Join(", ", bias.Strides)}].");
        switch (c.DType)
        {
            case DType.Float32:
                for (int i = 0; i < batch; i++)
                    Gemm.Sgemm(m, n, k,
                        Ptr<float>(a) + (long)i * a.Strides[0], a.Strides[1], a.Strides[2],
                        Ptr<float>(b) + (long)i * b.Strides[0], b.Strides[1], b.Strides[2],
                        Ptr<float>(c) + (long)i * c.Strides[0], c.Strides[1], c.Strides[2], false, bias: Ptr<float>(bias));
                break;
            case DType.Float64:
                for (int i = 0; i < batch; i++)
                    Gemm.Dgemm(m, n, k,
                        Ptr<double>(a) + (long)i * a.Strides[0], a.Strides[1], a.Strides[2],
                        Ptr<double>(b) + (long)i * b.Strides[0], b.Strides[1], b.Strides[2],
                        Ptr<double>(c) + (long)i * c.Strides[0], c.Strides[1], c.Strides[2], false, bias: Ptr<double>(bias));
                break;
            default:
                throw new NotSupportedException($"matmul_bias: dtype {c.DType.Name()} is not supported; use float32 or float64.");
        }
    }
}
