namespace Strata.Backends.Cpu;

public sealed partial class CpuBackend
{
    public void RecurrentForward(in RecurrentBuffers b) => RunRecurrent(b, backward: false);

    public void RecurrentBackward(in RecurrentBuffers b) => RunRecurrent(b, backward: true);

    private static void RunRecurrent(in RecurrentBuffers b, bool backward)
    {
        switch (b.Gates.DType)
        {
            case DType.Float32: RecurrentSequenceJob<float>.Run(b, Gemm.SgemmKernel, backward); break;
            case DType.Float64: RecurrentSequenceJob<double>.Run(b, Gemm.DgemmKernel, backward); break;
            default: throw new NotSupportedException($"{b.Cell.OpName()}: dtype {b.Gates.DType.Name()} is not supported; use float32 or float64.");
        }
    }
}
