namespace Strata.Backends.Cpu;

/// <summary>
/// A B operand that is never stored as a matrix: the driver asks it for each packed panel instead of copying one out
/// of B. A convolution's lowered input is the use: its panels are written straight from the image, so the lowered
/// matrix (which outgrew L2 together with its packed copy) is never written at all.
/// </summary>
/// <remarks>
/// <see cref="Pack"/>(state, j0, cols, pc, kc, nr, dst) must write what <see cref="GemmPacking.PackBPanel{T}"/> would
/// write for columns [j0, j0 + cols) and depth rows [pc, pc + kc) of the matrix it stands for: dst[p·nr + j], zero for
/// j ≥ cols. The panels are then the same, so the products are the same bits. It may run on several threads at once,
/// and must not run a GEMM itself: the driver that calls it is the thread's only one.
/// </remarks>
internal readonly unsafe struct GemmBSource<T> where T : unmanaged
{
    public readonly delegate*<void*, int, int, int, int, int, T*, void> Pack;
    public readonly void* State;

    public GemmBSource(delegate*<void*, int, int, int, int, int, T*, void> pack, void* state)
    {
        Pack = pack;
        State = state;
    }

    public bool IsSet => Pack != null;
}
