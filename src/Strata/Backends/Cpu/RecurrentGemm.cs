using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>
/// The small products inside a recurrence (a block of batch rows times the recurrent weight, once per step). The
/// weight operand is packed once per sequence (<see cref="PackB"/>) instead of once per step as the general driver
/// would, and each call packs only its few A rows. Every C element is summed over k in the same order as
/// <see cref="GemmDriver{T}"/> (K blocks of Kc, the same micro-kernel), so results do not depend on the row split.
/// </summary>
internal static unsafe class RecurrentGemm
{
    /// <summary>Elements of the packed form of a [k, n] B operand.</summary>
    public static long PackedBSize<T>(in GemmKernel<T> kern, int n, int k) where T : unmanaged
        => (long)(n + kern.Nr - 1) / kern.Nr * kern.Nr * k;

    /// <summary>Elements of the A packing scratch for up to <paramref name="m"/> rows.</summary>
    public static long PackedASize<T>(in GemmKernel<T> kern, int m) where T : unmanaged
        => (long)(m + kern.Mr - 1) / kern.Mr * kern.Mr * kern.Kc;

    /// <summary>Packs B [k, n] (element (p, j) at b[p·rsb + j·csb]): per K block, its Nr-column panels in order.</summary>
    public static void PackB<T>(in GemmKernel<T> kern, int n, int k, T* b, nint rsb, nint csb, T* dst) where T : unmanaged
    {
        int nr = kern.Nr, panels = (n + nr - 1) / nr;
        for (int pc = 0; pc < k; pc += kern.Kc)
        {
            int kc = Math.Min(kern.Kc, k - pc);
            T* block = dst + (long)pc * panels * nr;
            for (int jp = 0; jp < panels; jp++)
            {
                int j0 = jp * nr;
                GemmPacking.PackBPanel(Math.Min(nr, n - j0), kc, nr, b + pc * rsb + j0 * csb, rsb, csb, block + (long)jp * nr * kc);
            }
        }
    }

    /// <summary>
    /// C[m, n] = A[m, k] · B (or C += when <paramref name="accumulate"/>), B packed by <see cref="PackB"/>; C has unit
    /// column stride. <paramref name="aPack"/> holds <see cref="PackedASize{T}"/> elements, <paramref name="tile"/> Mr·Nr.
    /// </summary>
    public static void Multiply<T>(in GemmKernel<T> kern, int m, int n, int k, T* a, nint rsa, nint csa, T* packedB,
        T* c, nint rsc, bool accumulate, T* aPack, T* tile) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= 0 || n <= 0) return;
        int mr = kern.Mr, nr = kern.Nr;
        int panelsM = (m + mr - 1) / mr, panelsN = (n + nr - 1) / nr;
        var fn = kern.Fn;
        for (int pc = 0; pc < k; pc += kern.Kc)
        {
            int kc = Math.Min(kern.Kc, k - pc);
            for (int ip = 0; ip < panelsM; ip++)
                GemmPacking.PackAPanel(Math.Min(mr, m - ip * mr), kc, mr, a + ip * mr * rsa + pc * csa, rsa, csa, aPack + (long)ip * mr * kc);
            bool add = accumulate || pc > 0;
            T* bBlock = packedB + (long)pc * panelsN * nr;
            for (int jp = 0; jp < panelsN; jp++)
            {
                int j0 = jp * nr, cols = Math.Min(nr, n - j0);
                T* bp = bBlock + (long)jp * nr * kc;
                for (int ip = 0; ip < panelsM; ip++)
                {
                    int rows = Math.Min(mr, m - ip * mr);
                    T* ap = aPack + (long)ip * mr * kc;
                    T* cp = c + ip * mr * rsc + j0;
                    if (rows == mr && cols == nr)
                    {
                        fn(kc, ap, bp, cp, rsc, add);
                        continue;
                    }
                    fn(kc, ap, bp, tile, nr, false);
                    for (int i = 0; i < rows; i++)
                    {
                        T* src = tile + i * nr, dst = cp + i * rsc;
                        for (int j = 0; j < cols; j++) dst[j] = add ? src[j] + dst[j] : src[j];
                    }
                }
            }
        }
    }
}
