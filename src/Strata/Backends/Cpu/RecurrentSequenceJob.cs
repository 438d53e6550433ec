using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>
/// One recurrent layer direction over a whole sequence, forward or backward. Batch rows are independent, so the
/// work splits into blocks of rows that each run every step on one thread: one dispatch per sequence instead of one
/// per step, and a block's results do not depend on which thread ran it or how the rows were split. The recurrent
/// weight is packed once per call and shared by all blocks; per-block scratch (A packing, one step's h·W_hhᵀ, the
/// running state gradients) is thread-local and reused, so a call allocates nothing in the steady state.
/// </summary>
internal sealed unsafe class RecurrentSequenceJob<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic] private static RecurrentSequenceJob<T>? _forThread;
    [ThreadStatic] private static GemmScratch? _blockScratch;

    /// <summary>Below this many multiply-adds per sequence the dispatch costs more than a second thread saves.</summary>
    private const long ParallelWork = 1L << 20;

    private readonly GemmScratch _packedScratch = new();
    private GemmKernel<T> _kern;
    private RecurrentCell _cell;
    private bool _reverse, _backward;
    private int _n, _steps, _h, _gh, _blockRows;
    private T* _packedB, _bias, _biasIh;
    private Seq _x, _out, _hPrev, _cPrev, _gates, _aux, _gOut, _dx, _dhp;
    private Rows _h0, _c0, _hN, _cN, _gHN, _gCN, _dh0, _dc0;
    private byte* _mask;
    private nint _maskSN, _maskST;

    /// <summary>A [N, T, X] operand with unit last stride (null pointer when absent).</summary>
    private readonly struct Seq
    {
        public readonly T* P;
        public readonly nint SN, ST;
        public Seq(in TensorDesc d)
        {
            if (d.Buffer == null) return;
            P = CpuBackend.Ptr<T>(d);
            SN = d.Strides[0];
            ST = d.Strides[1];
        }
        public T* At(int n, int t) => P + n * SN + t * ST;
    }

    /// <summary>A [N, H] operand with unit last stride (null pointer when absent).</summary>
    private readonly struct Rows
    {
        public readonly T* P;
        public readonly nint SN;
        public Rows(in TensorDesc d)
        {
            if (d.Buffer == null) return;
            P = CpuBackend.Ptr<T>(d);
            SN = d.Strides[0];
        }
        public T* At(int n) => P == null ? null : P + n * SN;
    }

    public static void Run(in RecurrentBuffers b, in GemmKernel<T> kern, bool backward)
    {
        var job = _forThread ??= new RecurrentSequenceJob<T>();
        job.Setup(b, kern, backward);
        int blocks = (job._n + job._blockRows - 1) / job._blockRows;
        if (blocks <= 1)
        {
            if (blocks == 1) job.Invoke(0);
        }
        else CpuThreadPool.For(blocks, job);
        if (backward) job.BiasGradients(b);
    }

    /// <summary>Bias gradients: column sums of the gate gradients (the input side for b_ih, the hidden side for b_hh).</summary>
    private void BiasGradients(in RecurrentBuffers b)
    {
        bool ih = b.GradBih.Buffer != null, hh = b.GradBhh.Buffer != null;
        if (!ih && !hh) return;
        T* partial = (T*)BlockScratch(_gh);
        T* dih = ih ? CpuBackend.Ptr<T>(b.GradBih) : null, dhh = hh ? CpuBackend.Ptr<T>(b.GradBhh) : null;
        if (ih) RecurrentCellKernels<T>.ColumnSums(_n, _steps, _gh, _dx.P, _dx.SN, _dx.ST, dih, partial);
        if (!hh) return;
        // Only GRU's hidden-side gradients differ from the input side's.
        if (ih && _cell != RecurrentCell.Gru) Buffer.MemoryCopy(dih, dhh, (long)_gh * sizeof(T), (long)_gh * sizeof(T));
        else RecurrentCellKernels<T>.ColumnSums(_n, _steps, _gh, _dhp.P, _dhp.SN, _dhp.ST, dhh, partial);
    }

    private void Setup(in RecurrentBuffers b, in GemmKernel<T> kern, bool backward)
    {
        _kern = kern;
        _cell = b.Cell;
        _reverse = b.Reverse;
        _backward = backward;
        // Gates is the one [N, T, G·H] operand both passes have.
        _n = b.Gates.Shape[0];
        _steps = b.Gates.Shape[1];
        _gh = b.Gates.Shape[2];
        _h = b.Whh.Shape[1];
        _bias = b.Bhh.Buffer == null ? null : CpuBackend.Ptr<T>(b.Bhh);
        _biasIh = b.Bih.Buffer == null ? null : CpuBackend.Ptr<T>(b.Bih);
        _x = new Seq(b.XProj);
        _out = new Seq(b.Output);
        _hPrev = new Seq(b.HPrev);
        _cPrev = new Seq(b.CPrev);
        _gates = new Seq(b.Gates);
        _aux = new Seq(b.Aux);
        _gOut = new Seq(b.GradOutput);
        _dx = new Seq(b.GradXProj);
        _dhp = b.Cell == RecurrentCell.Gru ? new Seq(b.GradHProj) : _dx;
        _h0 = new Rows(b.H0);
        _c0 = new Rows(b.C0);
        _hN = new Rows(b.HN);
        _cN = new Rows(b.CN);
        _gHN = new Rows(b.GradHN);
        _gCN = new Rows(b.GradCN);
        _dh0 = new Rows(b.GradH0);
        _dc0 = new Rows(b.GradC0);
        if (b.Mask.Buffer != null)
        {
            _mask = (byte*)HostMemory.PointerOf(b.Mask.Buffer) + b.Mask.Offset;
            _maskSN = b.Mask.Strides[0];
            _maskST = b.Mask.Strides[1];
        }
        else _mask = null;

        // Forward multiplies by W_hhᵀ ([H, G·H] seen through W_hh's strides), backward by W_hh itself.
        var w = b.Whh;
        T* wp = CpuBackend.Ptr<T>(w);
        int bn = backward ? _h : _gh, bk = backward ? _gh : _h;
        nint rsb = backward ? w.Strides[0] : w.Strides[1], csb = backward ? w.Strides[1] : w.Strides[0];
        _packedB = (T*)_packedScratch.Get((nuint)(RecurrentGemm.PackedBSize(kern, bn, bk) * sizeof(T)));
        RecurrentGemm.PackB(kern, bn, bk, wp, rsb, csb, _packedB);

        long work = (long)_n * _steps * _gh * _h;
        int threads = work < ParallelWork ? 1 : CpuThreadPool.Threads;
        // Two blocks per thread lets a thread that finishes early (the machine may be shared) take over the rest.
        int per = (_n + 2 * threads - 1) / (2 * threads);
        _blockRows = threads <= 1 ? Math.Max(_n, 1) : Math.Max(kern.Mr, (per + kern.Mr - 1) / kern.Mr * kern.Mr);
    }

    public override void Invoke(int index)
    {
        int r0 = index * _blockRows, rows = Math.Min(_blockRows, _n - r0);
        if (rows <= 0) return;
        if (_backward) Backward(r0, rows);
        else Forward(r0, rows);
    }

    private bool Masked(int n, int t) => _mask != null && _mask[n * _maskSN + t * _maskST] == 0;

    private static T* Carve(ref byte* p, long elements)
    {
        var r = (T*)p;
        p += (elements * sizeof(T) + 63) / 64 * 64;
        return r;
    }

    private byte* BlockScratch(long elements)
    {
        var s = _blockScratch ??= new GemmScratch();
        return (byte*)s.Get((nuint)(elements * sizeof(T) + 64 * 8));
    }

    private static void Copy(T* src, T* dst, int count)
    {
        if (src == null) new Span<T>(dst, count).Clear();
        else Buffer.MemoryCopy(src, dst, (long)count * sizeof(T), (long)count * sizeof(T));
    }

    private void Forward(int r0, int rows)
    {
        int h = _h, gh = _gh, steps = _steps;
        long aSize = RecurrentGemm.PackedASize(_kern, rows), tileSize = _kern.Mr * _kern.Nr;
        byte* s = BlockScratch(aSize + tileSize + (long)rows * gh);
        T* aPack = Carve(ref s, aSize), tile = Carve(ref s, tileSize), hp = Carve(ref s, (long)rows * gh);
        bool lstm = _cell == RecurrentCell.Lstm, relu = _cell == RecurrentCell.RnnRelu;

        int first = _reverse ? steps - 1 : 0;
        for (int i = 0; i < rows; i++)
        {
            Copy(_h0.At(r0 + i), _hPrev.At(r0 + i, first), h);
            if (lstm) Copy(_c0.At(r0 + i), _cPrev.At(r0 + i, first), h);
        }
        for (int s2 = 0; s2 < steps; s2++)
        {
            int t = _reverse ? steps - 1 - s2 : s2;
            bool last = s2 == steps - 1;
            int tNext = _reverse ? t - 1 : t + 1;
            // From zero initial states the first product is zero.
            if (s2 == 0 && _h0.P == null) new Span<T>(hp, rows * gh).Clear();
            else RecurrentGemm.Multiply(_kern, rows, gh, h, _hPrev.At(r0, t), _hPrev.SN, 1, _packedB, hp, gh, false, aPack, tile);
            for (int i = 0; i < rows; i++)
            {
                int n = r0 + i;
                T* hCur = _hPrev.At(n, t);
                T* hNext = last ? _hN.At(n) : _hPrev.At(n, tNext);
                T* cCur = lstm ? _cPrev.At(n, t) : null;
                T* cNext = !lstm ? null : last ? _cN.At(n) : _cPrev.At(n, tNext);
                T* y = _out.At(n, t);
                if (Masked(n, t))
                {
                    // Padding: the state passes through unchanged and the output is zero.
                    Copy(hCur, hNext, h);
                    if (lstm) Copy(cCur, cNext, h);
                    new Span<T>(y, h).Clear();
                    continue;
                }
                T* x = _x.At(n, t), hpRow = hp + (long)i * gh, g = _gates.At(n, t);
                switch (_cell)
                {
                    case RecurrentCell.Lstm:
                        RecurrentCellKernels<T>.LstmForward(h, x, _biasIh, hpRow, _bias, cCur, g, _aux.At(n, t), cNext, hNext, y);
                        break;
                    case RecurrentCell.Gru:
                        RecurrentCellKernels<T>.GruForward(h, x, _biasIh, hpRow, _bias, hCur, g, _aux.At(n, t), hNext, y);
                        break;
                    default:
                        RecurrentCellKernels<T>.RnnForward(h, relu, x, _biasIh, hpRow, _bias, g, hNext, y);
                        break;
                }
            }
        }
    }

    private void Backward(int r0, int rows)
    {
        int h = _h, gh = _gh, steps = _steps;
        long aSize = RecurrentGemm.PackedASize(_kern, rows), tileSize = _kern.Mr * _kern.Nr, state = (long)rows * h;
        byte* s = BlockScratch(aSize + tileSize + 2 * state);
        T* aPack = Carve(ref s, aSize), tile = Carve(ref s, tileSize), dh = Carve(ref s, state), dc = Carve(ref s, state);
        bool lstm = _cell == RecurrentCell.Lstm, gru = _cell == RecurrentCell.Gru, relu = _cell == RecurrentCell.RnnRelu;
        for (int i = 0; i < rows; i++)
        {
            Copy(_gHN.At(r0 + i), dh + (long)i * h, h);
            if (lstm) Copy(_gCN.At(r0 + i), dc + (long)i * h, h);
        }
        for (int s2 = steps - 1; s2 >= 0; s2--)
        {
            int t = _reverse ? steps - 1 - s2 : s2;
            for (int i = 0; i < rows; i++)
            {
                int n = r0 + i;
                T* dx = _dx.At(n, t), dhRow = dh + (long)i * h;
                if (Masked(n, t))
                {
                    // The state's gradient passes through to the previous step; the gates get none.
                    new Span<T>(dx, gh).Clear();
                    if (gru) new Span<T>(_dhp.At(n, t), gh).Clear();
                    continue;
                }
                T* gOut = _gOut.P == null ? null : _gOut.At(n, t), g = _gates.At(n, t);
                switch (_cell)
                {
                    case RecurrentCell.Lstm:
                        RecurrentCellKernels<T>.LstmBackward(h, g, _aux.At(n, t), _cPrev.At(n, t), gOut, dhRow, dc + (long)i * h, dx);
                        break;
                    case RecurrentCell.Gru:
                        RecurrentCellKernels<T>.GruBackward(h, g, _aux.At(n, t), _hPrev.At(n, t), gOut, dhRow, dx, _dhp.At(n, t));
                        break;
                    default:
                        RecurrentCellKernels<T>.RnnBackward(h, relu, g, gOut, dhRow, dx);
                        break;
                }
            }
            // dh_prev += dHProj_t · W_hh for the whole block at once (before the first step only if h0 wants it).
            if (s2 > 0 || _dh0.P != null)
                RecurrentGemm.Multiply(_kern, rows, h, gh, _dhp.At(r0, t), _dhp.SN, 1, _packedB, dh, h, true, aPack, tile);
        }
        for (int i = 0; i < rows; i++)
        {
            if (_dh0.P != null) Copy(dh + (long)i * h, _dh0.At(r0 + i), h);
            if (lstm && _dc0.P != null) Copy(dc + (long)i * h, _dc0.At(r0 + i), h);
        }
    }
}
