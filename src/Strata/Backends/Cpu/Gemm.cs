namespace Strata.Backends.Cpu;

/// <summary>
/// General matrix multiply over strided operands: C = A·B (or C += A·B). Row/column strides are in elements,
/// so transposed operands need no copy. This reference version is replaced by the packed, blocked kernel.
/// </summary>
internal static unsafe class Gemm
{
    public static void Sgemm(int m, int n, int k, float* a, int rsa, int csa, float* b, int rsb, int csb, float* c, int rsc, int csc, bool accumulate)
        => Reference(m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, accumulate);

    public static void Dgemm(int m, int n, int k, double* a, int rsa, int csa, double* b, int rsb, int csb, double* c, int rsc, int csc, bool accumulate)
        => Reference(m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, accumulate);

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
