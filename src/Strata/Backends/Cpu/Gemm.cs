using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>
/// General matrix multiply over strided operands: C = A·B (or C += A·B). Row/column strides are in elements,
/// so transposed operands need no copy. The micro-kernel is picked once at startup from the widest SIMD the
/// machine supports; <see cref="Reference"/> is the naive version the tests compare against.
/// </summary>
internal static unsafe class Gemm
{
    public static readonly GemmKernel<float> SgemmKernel = SupportedSgemmKernels()[0];
    public static readonly GemmKernel<double> DgemmKernel = SupportedDgemmKernels()[0];

    /// <remarks>
    /// <paramref name="parallel"/> false keeps the product on the calling thread: a caller that knows the whole
    /// operation is small (a single-image convolution) avoids a dispatch whose wake-up costs more than it saves.
    /// Results are the same either way (the driver never splits K).
    /// </remarks>
    public static void Sgemm(int m, int n, int k, float* a, int rsa, int csa, float* b, int rsb, int csb, float* c, int rsc, int csc, bool accumulate,
        bool parallel = true, float* bias = null)
        => Run(SgemmKernel, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, accumulate, parallel, bias);

    public static void Dgemm(int m, int n, int k, double* a, int rsa, int csa, double* b, int rsb, int csb, double* c, int rsc, int csc, bool accumulate,
        bool parallel = true, double* bias = null)
        => Run(DgemmKernel, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, accumulate, parallel, bias);

    /// <summary>Kernels usable on this machine, fastest first (tests run every one of them).</summary>
    internal static GemmKernel<float>[] SupportedSgemmKernels()
    {
        var list = new List<GemmKernel<float>>();
        // Kc 256 keeps a B micro-panel in L1 (32 KB), Mc·Kc floats of A (256 KB) sit in the 1 MB L2. 12x32 and 14x32
        // kernels measured the same as 8x32 (~190 GFLOP/s, one core), and 8 rows waste nothing on power-of-two M.
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
            list.Add(new("avx512-8x32", &GemmKernelAvx512.Sgemm8x32, 8, 32, 256, 256, 4096, &GemmKernelAvx512.Sgemm8x32RowsA,
                &GemmKernelAvx512.Sgemm8x16Of32, &GemmKernelAvx512.Sgemm8x16Of32RowsA));
        if (Avx2.IsSupported && Fma.IsSupported)
            list.Add(new("avx2-6x16", &GemmKernelAvx2.Sgemm6x16, 6, 16, 256, 144, 4096));
        if (Vector128.IsHardwareAccelerated && (AdvSimd.IsSupported || Fma.IsSupported))
            list.Add(new("v128-4x8", &GemmKernelVector128.Sgemm4x8, 4, 8, 256, 128, 4096));
        list.Add(new("scalar-4x4", &GemmKernelScalar.Kernel4x4<float>, 4, 4, 256, 64, 4096));
        return list.ToArray();
    }

    /// <summary>Double-precision kernels usable on this machine, fastest first.</summary>
    internal static GemmKernel<double>[] SupportedDgemmKernels()
    {
        var list = new List<GemmKernel<double>>();
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
            list.Add(new("avx512-8x16", &GemmKernelAvx512.Dgemm8x16, 8, 16, 256, 64, 4096));
        if (Avx2.IsSupported && Fma.IsSupported)
            list.Add(new("avx2-6x8", &GemmKernelAvx2.Dgemm6x8, 6, 8, 256, 72, 4096));
        if (Vector128.IsHardwareAccelerated && (AdvSimd.IsSupported || Fma.IsSupported))
            list.Add(new("v128-4x4", &GemmKernelVector128.Dgemm4x4, 4, 4, 256, 64, 4096));
        list.Add(new("scalar-4x4", &GemmKernelScalar.Kernel4x4<double>, 4, 4, 256, 64, 4096));
        return list.ToArray();
    }

    /// <summary>Runs one GEMM with an explicit kernel (the public entry points pass the startup choice).</summary>
    /// <remarks>
    /// <paramref name="bias"/> (n contiguous elements, only without <paramref name="accumulate"/>): C = A·B + bias on
    /// every row, added after the full sum exactly as a separate add would, so results are the same bits.
    /// </remarks>
    internal static void Run<T>(in GemmKernel<T> kernel, int m, int n, int k, T* a, nint rsa, nint csa, T* b, nint rsb, nint csb,
        T* c, nint rsc, nint csc, bool accumulate, bool parallel = true, T* bias = null)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (bias != null && accumulate) throw new ArgumentException("gemm: a bias cannot be combined with accumulate.");
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || m == 1 || n == 1)
        {
            if (k <= 0)
            {
                if (!accumulate)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) c[i * rsc + j * csc] = T.Zero;
            }
            else if (m == 1)
                GemmVector<T>.Run(n, k, a, csa, b, rsb, csb, c, csc, accumulate);
            else // C^T = B^T·A^T turns a matrix·vector product into the vector·matrix path, by swapping strides only.
                GemmVector<T>.Run(m, k, b, rsb, a, csa, rsa, c, rsc, accumulate);
            if (bias != null)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) c[i * rsc + j * csc] += bias[j];
            return;
        }
        GemmDriver<T>.Run(kernel, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, accumulate, parallel, bias);
    }

    /// <summary>
    /// C (+)= A·B where B's packed panels come from <paramref name="b"/> (see <see cref="GemmBSource{T}"/>); the same
    /// blocking and kernels as <see cref="Sgemm"/>, so the same bits as multiplying the matrix the source stands for.
    /// Needs m, n ≥ 2 and k ≥ 1 (the vector paths read B as a matrix).
    /// </summary>
    public static void Sgemm(int m, int n, int k, float* a, int rsa, int csa, in GemmBSource<float> b, float* c, int rsc, int csc,
        bool accumulate, bool parallel = true)
    {
        if (m < 2 || n < 2 || k < 1)
            throw new ArgumentException($"gemm: a panel-source B needs m, n >= 2 and k >= 1, got {m}x{n}x{k}.");
        GemmDriver<float>.Run(SgemmKernel, m, n, k, a, rsa, csa, null, 0, 0, c, rsc, csc, accumulate, parallel, null, b);
    }

    internal static void Reference<T>(int m, int n, int k, T* a, int rsa, int csa, T* b, int rsb, int csb, T* c, int rsc, int csc, bool accumulate)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += a[(long)i * rsa + (long)p * csa] * b[(long)p * rsb + (long)j * csb];
                T* dst = c + (long)i * rsc + (long)j * csc;
                *dst = accumulate ? *dst + acc : acc;
            }
    }
}
