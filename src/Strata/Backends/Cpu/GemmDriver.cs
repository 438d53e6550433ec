using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>
/// BLIS-style blocked GEMM: loops jc (Nc columns) → pc (Kc depth) → pack B → ic (Mc rows, pack A) → jr → ir
/// micro-kernel. Work is split only over M/N tiles, never over K, so every C element is summed in the same order
/// whatever the thread count: results are bitwise identical for 1..N threads.
/// </summary>
internal sealed unsafe class GemmDriver<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many multiply-adds a parallel dispatch costs more than it saves.</summary>
    public const long ParallelThreshold = 64L * 64 * 64;

    [ThreadStatic] private static GemmDriver<T>? _forThread;
    [ThreadStatic] private static GemmScratch? _aScratch;

    private readonly GemmScratch _bScratch = new();
    private GemmKernel<T> _kern;
    private int _m, _k;
    private T* _a, _b, _c;
    private nint _rsa, _csa, _rsb, _csb, _rsc, _csc;
    private bool _accumulate;

    // Per (jc, pc) block state read by the parallel chunks.
    private bool _packPhase;
    private int _jc, _nc, _pc, _kc, _panelsN, _packChunks;
    private int _mcBlock, _nSplits;
    private bool _add;
    private T* _packedB;

    public static void Run(in GemmKernel<T> kernel, int m, int n, int k, T* a, nint rsa, nint csa, T* b, nint rsb, nint csb,
        T* c, nint rsc, nint csc, bool accumulate)
    {
        var d = _forThread ??= new GemmDriver<T>();
        d._kern = kernel;
        d._m = m; d._k = k;
        d._a = a; d._rsa = rsa; d._csa = csa;
        d._b = b; d._rsb = rsb; d._csb = csb;
        d._c = c; d._rsc = rsc; d._csc = csc;
        d._accumulate = accumulate;
        d.Execute(n);
    }

    private void Execute(int n)
    {
        ref readonly var kern = ref _kern;
        int m = _m, k = _k, mr = kern.Mr, nr = kern.Nr;
        int threads = (long)m * n * k < ParallelThreshold ? 1 : CpuThreadPool.Threads;
        for (int jc = 0; jc < n; jc += kern.Nc)
        {
            int nc = Math.Min(kern.Nc, n - jc);
            int panelsN = (nc + nr - 1) / nr;
            _jc = jc; _nc = nc; _panelsN = panelsN;
            ChooseSplit(m, panelsN, threads);
            for (int pc = 0; pc < k; pc += kern.Kc)
            {
                int kc = Math.Min(kern.Kc, k - pc);
                _pc = pc; _kc = kc;
                _add = _accumulate || pc > 0;
                _packedB = (T*)_bScratch.Get((nuint)((long)panelsN * nr * kern.Kc * sizeof(T)));

                _packPhase = true;
                _packChunks = threads > 1 ? Math.Min(panelsN, threads * 4) : 1;
                Dispatch(_packChunks, threads);

                _packPhase = false;
                int icBlocks = (m + _mcBlock - 1) / _mcBlock;
                Dispatch(icBlocks * _nSplits, threads);
            }
        }
    }

    /// <summary>Shrinks the M block (and splits N when M is short) so every thread gets a couple of tiles to claim.</summary>
    private void ChooseSplit(int m, int panelsN, int threads)
    {
        int mr = _kern.Mr;
        int mc = _kern.Mc;
        _nSplits = 1;
        if (threads > 1)
        {
            int want = 2 * threads;
            if ((m + mc - 1) / mc < want)
            {
                int rows = (m + want - 1) / want;
                mc = Math.Max(mr, (rows + mr - 1) / mr * mr);
            }
            int icBlocks = (m + mc - 1) / mc;
            if (icBlocks < want) _nSplits = Math.Min(panelsN, (want + icBlocks - 1) / icBlocks);
        }
        _mcBlock = mc;
    }

    private void Dispatch(int count, int threads)
    {
        if (threads <= 1 || count <= 1)
            for (int i = 0; i < count; i++) Invoke(i);
        else
            CpuThreadPool.For(count, this);
    }

    public override void Invoke(int index)
    {
        if (_packPhase) PackB(index);
        else ComputeTile(index);
    }

    private void PackB(int chunk)
    {
        int nr = _kern.Nr, kc = _kc;
        int first = (int)((long)_panelsN * chunk / _packChunks), last = (int)((long)_panelsN * (chunk + 1) / _packChunks);
        for (int jp = first; jp < last; jp++)
        {
            int j0 = jp * nr;
            GemmPacking.PackBPanel(Math.Min(nr, _nc - j0), kc, nr,
                _b + _pc * _rsb + (_jc + j0) * _csb, _rsb, _csb, _packedB + (long)jp * nr * kc);
        }
    }

    private void ComputeTile(int task)
    {
        ref readonly var kern = ref _kern;
        int mr = kern.Mr, nr = kern.Nr, kc = _kc;
        int ib = task / _nSplits, js = task % _nSplits;
        int ic = ib * _mcBlock, mc = Math.Min(_mcBlock, _m - ic);
        int panelsM = (mc + mr - 1) / mr;
        int jpFirst = (int)((long)_panelsN * js / _nSplits), jpLast = (int)((long)_panelsN * (js + 1) / _nSplits);

        var scratch = _aScratch ??= new GemmScratch();
        T* packedA = (T*)scratch.Get((nuint)((long)(kern.Mc + mr) * kern.Kc * sizeof(T)));
        T* aBlock = _a + ic * _rsa + _pc * _csa;
        for (int ip = 0; ip < panelsM; ip++)
            GemmPacking.PackAPanel(Math.Min(mr, mc - ip * mr), kc, mr, aBlock + ip * mr * _rsa, _rsa, _csa, packedA + (long)ip * mr * kc);

        T* tile = stackalloc T[mr * nr];
        var fn = kern.Fn;
        bool add = _add;
        nint rsc = _rsc, csc = _csc;
        for (int jp = jpFirst; jp < jpLast; jp++)
        {
            int j0 = jp * nr, cols = Math.Min(nr, _nc - j0);
            T* bp = _packedB + (long)jp * nr * kc;
            T* cCol = _c + ic * rsc + (_jc + j0) * csc;
            for (int ip = 0; ip < panelsM; ip++)
            {
                int rows = Math.Min(mr, mc - ip * mr);
                T* ap = packedA + (long)ip * mr * kc;
                T* cp = cCol + ip * mr * rsc;
                if (rows == mr && cols == nr && csc == 1)
                {
                    fn(kc, ap, bp, cp, rsc, add);
                    continue;
                }
                // Edge tile or strided C: compute the full padded tile, then write back only the valid part.
                fn(kc, ap, bp, tile, nr, false);
                for (int i = 0; i < rows; i++)
                {
                    T* src = tile + i * nr;
                    T* dst = cp + i * rsc;
                    for (int j = 0; j < cols; j++) dst[j * csc] = add ? src[j] + dst[j * csc] : src[j];
                }
            }
        }
    }
}
