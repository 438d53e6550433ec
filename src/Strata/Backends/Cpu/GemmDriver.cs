using System.Numerics;
using System.Runtime.Intrinsics;

namespace Strata.Backends.Cpu;

/// <summary>
/// BLIS-style blocked GEMM: loops jc (Nc columns) → pc (Kc depth) → pack B → ic (Mc rows, pack A) → jr → ir
/// micro-kernel. Work is split only over M/N tiles, never over K, so every C element is summed in the same order
/// whatever the thread count: results are bitwise identical for 1..N threads.
/// </summary>
internal sealed unsafe class GemmDriver<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Below this many multiply-adds (1M, about 10 µs on one core) a parallel dispatch costs more than it saves: the
    /// batch-256 MLP's 256x10x128 output layer took 27-28 µs split over 2 threads and 18 µs on one (ConvProfile,
    /// alternating in one process), the whole batch-256 inference 228/252 → 221/234 µs.
    /// </summary>
    public const long ParallelThreshold = 1L << 20;

    [ThreadStatic] private static GemmDriver<T>? _forThread;
    [ThreadStatic] private static GemmScratch? _aScratch;

    private readonly GemmScratch _bScratch = new();
    private GemmKernel<T> _kern;
    private int _m, _k;
    private T* _a, _b, _c, _bias;
    private nint _rsa, _csa, _rsb, _csb, _rsc, _csc;
    private bool _accumulate;
    // Panels come from here instead of being copied out of _b when set (see GemmBSource).
    private GemmBSource<T> _bSource;
    // A read in place from its rows (no packing): see Execute.
    private bool _directA;

    // Per jc block state read by the parallel tasks.
    private int _jc, _nc, _panelsN, _kBlocks, _kc;
    // K blocks may run 25 % past Kc (see Execute); measured neutral on N=2048 and +2 % on conv2's 64x363x288.
    private const double KcSlack = 1.25;
    private int _mcBlock, _nSplits;
    private T* _packedB;
    // Elements between consecutive k blocks' packed B: a whole block (Kc x Nc) normally; 0 when one thread runs the k
    // blocks outermost (see Execute), so every k block is packed into the same, still-cached memory.
    private long _bBlockStride;
    // One flag per packed B panel (k block x column panel): 0 = not packed, 1 = being packed, 2 = ready. Tasks pack
    // the panels they need on first use, so one dispatch per jc block suffices: no barrier between packing and use.
    private int[] _bReady = Array.Empty<int>();

    /// <summary>
    /// A task's C block (Mc x Nc) above which one thread runs depth blocks outermost (half of the 1 MB L2). Single-thread
    /// N=2048 as a fraction of the FMA loop (pairs, 12-14 interleaved rounds, medians), against the late C prefetch alone:
    /// +1.4, +1.8 and +1.8 points in three runs.
    /// </summary>
    private const long DepthOuterMinCBlock = 512 << 10;

    /// <summary>Cap on the packed B block (all of K x Nc), in elements: 16 MB of float, comfortably within L3.</summary>
    private const long MaxPackedB = 4L << 20;

    public static void Run(in GemmKernel<T> kernel, int m, int n, int k, T* a, nint rsa, nint csa, T* b, nint rsb, nint csb,
        T* c, nint rsc, nint csc, bool accumulate, bool parallel = true, T* bias = null, GemmBSource<T> bSource = default)
    {
        var d = _forThread ??= new GemmDriver<T>();
        d._bias = bias;
        d._bSource = bSource;
        d._kern = kernel;
        d._m = m; d._k = k;
        d._a = a; d._rsa = rsa; d._csa = csa;
        d._b = b; d._rsb = rsb; d._csb = csb;
        d._c = c; d._rsc = rsc; d._csc = csc;
        d._accumulate = accumulate;
        d.Execute(n, parallel);
    }

    private void Execute(int n, bool parallel)
    {
        ref readonly var kern = ref _kern;
        int m = _m, k = _k, nr = kern.Nr;
        // Inside a parallel task (a conv image group) the product runs inline anyway: splitting it for threads that
        // cannot join would only make every column split pack its own copy of A.
        int threads = !parallel || CpuThreadPool.InParallel || (long)m * n * k < ParallelThreshold ? 1 : CpuThreadPool.Threads;
        // K is cut into equal blocks of at most 1.25·Kc (rounded up to 8): a depth just over Kc (conv2's 288) stays one
        // block instead of a full block plus a thin one, which would re-read and re-write all of C for a few k steps.
        int kBlocks = Math.Max(1, (int)Math.Ceiling(k / (kern.Kc * KcSlack)));
        _kc = ((k + kBlocks - 1) / kBlocks + 7) / 8 * 8;
        kBlocks = (k + _kc - 1) / _kc;
        int ncMax = (int)Math.Clamp(MaxPackedB / k / nr * nr, nr, kern.Nc);
        // Packing A pays when each packed panel serves many column panels; with at most 16 of them (N ≤ 512 here) it
        // cost more than it saved. Row strides of a multiple of 4 KB are left packed: their 8 rows would share L1 sets.
        _directA = kern.FnRowsA != null && _csa == 1 && n <= 16 * nr && (_rsa * sizeof(T)) % 4096 != 0;
        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            int panelsN = (nc + nr - 1) / nr;
            _jc = jc; _nc = nc; _panelsN = panelsN; _kBlocks = kBlocks;
            int flags = panelsN * kBlocks;
            if (_bReady.Length < flags) _bReady = new int[flags];
            else Array.Clear(_bReady, 0, flags);
            _packedB = (T*)_bScratch.Get((nuint)((long)panelsN * nr * k * sizeof(T)));
            ChooseSplit(m, nc, panelsN, threads);
            int tasks = (m + _mcBlock - 1) / _mcBlock * _nSplits;
            _bBlockStride = (long)_kc * nr * panelsN;
            if (threads <= 1 || tasks <= 1)
            {
                // On one thread, when a task's C block overflows L2 anyway, depth blocks go outermost: each k block's
                // packed B (Kc x Nc, 2.4 MB at N=2048) is then reused by every M block while it is still in L3, instead of
                // every M block streaming all of K x Nc (16 MB) from memory. Each C tile still sees its k blocks in order,
                // so the bits are the same.
                if (kBlocks > 1 && tasks > 1 && (long)_mcBlock * nc * sizeof(T) > DepthOuterMinCBlock)
                {
                    // A k block's panels are dead once its pass is over, so the next one is packed over them: packing
                    // then writes to cached lines instead of fetching 2.4 MB of new ones from memory for every k block
                    // (N=2048, one thread: +0.5, +0.7, +0.9 points of the FMA loop, better in 22-29 of 30 pairs).
                    _bBlockStride = 0;
                    for (int kb = 0; kb < kBlocks; kb++)
                        for (int i = 0; i < tasks; i++) ComputeTask(i, kb, kb + 1);
                }
                else
                    for (int i = 0; i < tasks; i++) Invoke(i);
            }
            else
                CpuThreadPool.For(tasks, this);
        }
    }

    /// <summary>
    /// Picks the M block and the number of column splits so every thread gets a couple of tasks. Each M block streams
    /// all of its columns' packed B, and each column split packs its own copy of A, so among the splits that make
    /// enough tasks the one with the least traffic, M·splits + N·blocks, wins: short, wide products (conv2's
    /// 64x7744x288 ran slower on 2 threads than on 1 when cut into 16-row blocks) split columns, tall ones split rows.
    /// </summary>
    private void ChooseSplit(int m, int n, int panelsN, int threads)
    {
        int mr = _kern.Mr;
        int mc = _kern.Mc;
        _nSplits = 1;
        if (threads > 1)
        {
            int want = 2 * threads;
            int natural = (m + mc - 1) / mc, maxBlocks = Math.Max(natural, (m + mr - 1) / mr);
            long bestCost = long.MaxValue;
            int bestBlocks = natural;
            for (int blocks = natural; blocks <= Math.Min(maxBlocks, Math.Max(natural, want)); blocks++)
            {
                int splits = Math.Min(panelsN, (want + blocks - 1) / blocks);
                if (blocks * splits < want && blocks < maxBlocks && splits == panelsN) continue;
                long cost = (long)m * splits + (long)n * blocks;
                if (cost < bestCost) { bestCost = cost; bestBlocks = blocks; _nSplits = splits; }
            }
            if (bestBlocks > natural)
            {
                int rows = (m + bestBlocks - 1) / bestBlocks;
                mc = Math.Max(mr, (rows + mr - 1) / mr * mr);
            }
        }
        _mcBlock = mc;
    }

    public override void Invoke(int index) => ComputeTask(index, 0, _kBlocks);

    /// <summary>Returns packed B panel jp of k block kb (panels are Kc x Nr, k block kb starts at kb·_bBlockStride).</summary>
    private T* EnsureBPanel(int kb, int jp)
    {
        int nr = _kern.Nr, kcMax = _kc;
        int pc = kb * kcMax, kc = Math.Min(kcMax, _k - pc);
        T* dst = _packedB + kb * _bBlockStride + (long)jp * nr * kc;
        ref int flag = ref _bReady[kb * _panelsN + jp];
        if (Volatile.Read(ref flag) == 2) return dst;
        if (Interlocked.CompareExchange(ref flag, 1, 0) == 0)
        {
            int j0 = jp * nr;
            if (_bSource.IsSet) _bSource.Pack(_bSource.State, _jc + j0, Math.Min(nr, _nc - j0), pc, kc, nr, dst);
            else GemmPacking.PackBPanel(Math.Min(nr, _nc - j0), kc, nr, _b + pc * _rsb + (_jc + j0) * _csb, _rsb, _csb, dst);
            Volatile.Write(ref flag, 2);
            return dst;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref flag) != 2) spin.SpinOnce();
        return dst;
    }

    /// <summary>
    /// One (M block, column range) of C over k blocks [kbFirst, kbLast), in order: C tiles are owned by exactly one
    /// task, and each element's summation order is fixed by the blocking alone.
    /// </summary>
    private void ComputeTask(int task, int kbFirst, int kbLast)
    {
        ref readonly var kern = ref _kern;
        int mr = kern.Mr, nr = kern.Nr;
        int ib = task / _nSplits, js = task % _nSplits;
        int ic = ib * _mcBlock, mc = Math.Min(_mcBlock, _m - ic);
        int panelsM = (mc + mr - 1) / mr;
        int jpFirst = (int)((long)_panelsN * js / _nSplits), jpLast = (int)((long)_panelsN * (js + 1) / _nSplits);

        var scratch = _aScratch ??= new GemmScratch();
        T* packedA = (T*)scratch.Get((nuint)((long)(kern.Mc + mr) * _kc * sizeof(T)));
        // Edge tiles go through this buffer with full-width vector stores; stackalloc only promises pointer alignment,
        // and 64-byte stores straddling cache lines, re-read at once, are what the fused conv kernels measured 2.5x slower.
        byte* tileBytes = stackalloc byte[mr * nr * sizeof(T) + 63];
        T* tile = (T*)(((nint)tileBytes + 63) & ~(nint)63);
        for (int kb = kbFirst; kb < kbLast; kb++)
        {
            int pc = kb * _kc, kc = Math.Min(_kc, _k - pc);
            T* aBlock = _a + ic * _rsa + pc * _csa;
            // Reading A in place, only a last panel of fewer than Mr rows is packed (the kernel reads Mr rows).
            for (int ip = _directA ? mc / mr : 0; ip < panelsM; ip++)
                GemmPacking.PackAPanel(Math.Min(mr, mc - ip * mr), kc, mr, aBlock + ip * mr * _rsa, _rsa, _csa, packedA + (long)ip * mr * kc);
            MacroKernel(kb, kc, ic, mc, panelsM, jpFirst, jpLast, packedA, _directA ? aBlock : null, tile, _accumulate || kb > 0);
        }
    }

    /// <summary>Adds bias[0..cols) to the rows of a contiguous C tile, after its sum, as a separate add would.</summary>
    private static void AddBias(T* c, nint rsc, int rows, int cols, T* bias)
    {
        int vw = Vector256<T>.Count, vEnd = cols / vw * vw;
        for (int i = 0; i < rows; i++)
        {
            T* row = c + i * rsc;
            int j = 0;
            for (; j < vEnd; j += vw) Vector256.Store(Vector256.Load(row + j) + Vector256.Load(bias + j), row + j);
            for (; j < cols; j++) row[j] += bias[j];
        }
    }

    /// <summary>jr → ir loops over one packed A block: a B micro-panel stays hot in L1 while A panels stream from L2.</summary>
    private void MacroKernel(int kb, int kc, int ic, int mc, int panelsM, int jpFirst, int jpLast, T* packedA, T* rowsA, T* tile, bool add)
    {
        ref readonly var kern = ref _kern;
        int mr = kern.Mr, nr = kern.Nr;
        var fn = kern.Fn;
        var fnRows = kern.FnRowsA;
        nint rsa = _rsa;
        nint rsc = _rsc, csc = _csc;
        for (int jp = jpFirst; jp < jpLast; jp++)
        {
            int j0 = jp * nr, cols = Math.Min(nr, _nc - j0);
            T* bp = EnsureBPanel(kb, jp);
            T* cCol = _c + ic * rsc + (_jc + j0) * csc;
            // The bias joins each tile after its last k block, while the tile's lines are still in L1 (a pass over the
            // task's C block afterwards found them gone: 3.4 µs per 128x64 block, +14 µs on the batch-256 MLP layer).
            T* bias = _bias != null && kb == _kBlocks - 1 ? _bias + _jc + j0 : null;
            for (int ip = 0; ip < panelsM; ip++)
            {
                int rows = Math.Min(mr, mc - ip * mr);
                T* ap = packedA + (long)ip * mr * kc;
                T* cp = cCol + ip * mr * rsc;
                bool inPlace = rowsA != null && rows == mr;
                if (rows == mr && cols == nr && csc == 1)
                {
                    if (inPlace) fnRows(kc, rowsA + ip * mr * rsa, rsa, bp, cp, rsc, add);
                    else fn(kc, ap, bp, cp, rsc, add);
                    if (bias != null) AddBias(cp, rsc, rows, cols, bias);
                    continue;
                }
                // Edge tile or strided C: compute the padded tile (its left half when that holds every valid column),
                // then write back only the valid part.
                if (cols <= nr / 2 && kern.FnHalf != null)
                {
                    if (inPlace) kern.FnHalfRowsA(kc, rowsA + ip * mr * rsa, rsa, bp, tile, nr, false);
                    else kern.FnHalf(kc, ap, bp, tile, nr, false);
                }
                else if (inPlace) fnRows(kc, rowsA + ip * mr * rsa, rsa, bp, tile, nr, false);
                else fn(kc, ap, bp, tile, nr, false);
                for (int i = 0; i < rows; i++)
                {
                    T* src = tile + i * nr;
                    T* dst = cp + i * rsc;
                    for (int j = 0; j < cols; j++) dst[j * csc] = (add ? src[j] + dst[j * csc] : src[j]) + (bias != null ? bias[j] : T.Zero);
                }
            }
        }
    }
}
