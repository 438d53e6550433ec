namespace Strata.Backends.Cpu;

/// <summary>
/// A register-blocked micro-kernel plus the cache blocking that suits it. The kernel computes
/// C[Mr x Nr] = A panel (kc x Mr, row index fastest) · B panel (kc x Nr, column index fastest), then stores it to C
/// (row stride rsc, unit column stride), adding to what is there when <c>add</c> is true.
/// </summary>
internal readonly unsafe struct GemmKernel<T> where T : unmanaged
{
    public readonly delegate*<nint, T*, T*, T*, nint, bool, void> Fn;
    public readonly int Mr, Nr;
    /// <summary>K block: one packed B micro-panel (Kc x Nr) stays in L1 while A panels stream past it.</summary>
    public readonly int Kc;
    /// <summary>M block: the packed A block (Mc x Kc) stays in L2.</summary>
    public readonly int Mc;
    /// <summary>N block: the packed B block (Kc x Nc) lives in L3.</summary>
    public readonly int Nc;
    public readonly string Name;
    /// <summary>Optional variant reading A from row-major rows (stride, unit column stride) instead of a packed panel.</summary>
    public readonly delegate*<nint, T*, nint, T*, T*, nint, bool, void> FnRowsA;

    /// <summary>
    /// Optional kernels for an edge panel with at most Nr/2 valid columns: the left half of the tile only, reading the
    /// same packed panels (and A in place, for the second). Null when the kernel has none.
    /// </summary>
    public readonly delegate*<nint, T*, T*, T*, nint, bool, void> FnHalf;
    public readonly delegate*<nint, T*, nint, T*, T*, nint, bool, void> FnHalfRowsA;

    public GemmKernel(string name, delegate*<nint, T*, T*, T*, nint, bool, void> fn, int mr, int nr, int kc, int mc, int nc,
        delegate*<nint, T*, nint, T*, T*, nint, bool, void> fnRowsA = null,
        delegate*<nint, T*, T*, T*, nint, bool, void> fnHalf = null,
        delegate*<nint, T*, nint, T*, T*, nint, bool, void> fnHalfRowsA = null)
    {
        FnHalf = fnHalf;
        FnHalfRowsA = fnHalfRowsA;
        FnRowsA = fnRowsA;
        Name = name;
        Fn = fn;
        Mr = mr;
        Nr = nr;
        Kc = kc;
        Mc = mc - mc % mr;
        Nc = nc - nc % nr;
    }

    public override string ToString() => Name;
}
