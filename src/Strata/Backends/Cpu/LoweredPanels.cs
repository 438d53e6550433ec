using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>
/// GEMM panels of an unpadded, column-stride-1 float convolution's lowered input (im2col), written straight from a
/// group of images instead of copied out of a lowered matrix (<see cref="GemmBSource{T}"/>); the forward's product.
/// For conv2 of the seed CNN (3 images of 32x13x13 per product) the lowered matrix and its packed copy were 860 KB, more
/// than L2 with the rest of the product, and writing then re-reading them took ~30 % of the forward. The forward kernel
/// went from 2.18 to 1.98 ms on one thread and from 1.14 to 1.06 ms on two (batch 64, the two paths alternating in one
/// process, 40 rounds, medians).
/// </summary>
/// <remarks>
/// Column j of the lowered matrix is output position q = j mod OH·OW of image j / (OH·OW); row r = (c, i, k) a kernel
/// tap. The values of sixteen consecutive positions of one image lie within 32 floats of x when output rows are
/// narrow (two vector loads and one two-source permute fetch them), and every tap reads the same pattern from its own
/// offset. So each panel is planned once, vector by vector (which loads, which lanes, from which image), and the plan
/// runs for every tap: a permute and an aligned store per 16 values. Loads never reach past the last value they
/// fetch, so they stay inside the image.
/// </remarks>
internal unsafe struct LoweredPanels
{
    private float* _x;
    private long _xsN, _xsC, _xsH;
    private int _kh, _kw, _dh, _dw, _ow, _ohw;
    private long _step;

    /// <summary>
    /// Off makes convolutions lower their input into a matrix as before (and add large images' input-gradient tiles
    /// back element by element): the tests and `ConvProfile --conv-panels` compare the two paths, bit for bit and in time.
    /// </summary>
    internal static bool Enabled = true;

    /// <summary>True when the geometry is one these panels cover and the machine has AVX-512.</summary>
    public static bool Supported(int oh, int ow, int sh, int sw, int ph, int pw, long xsH, long xsW)
    {
        if (!Avx512F.IsSupported || ph != 0 || pw != 0 || sw != 1 || xsW != 1 || xsH < 0 || ow < 1 || (long)oh * ow < 16) return false;
        // Every window of 16 positions (starting at any column a window can start at) must lie within 32 floats.
        long step = sh * xsH;
        for (int p = 0; p <= Math.Min(ow - 1, oh * ow - 16); p++)
            if ((p + 15) / ow * step + (p + 15) % ow - p > 31) return false;
        return true;
    }

    /// <summary>Sets up the panels of images starting at <paramref name="x"/> (image n at x + n·xsN).</summary>
    public void Init(float* x, long xsN, long xsC, long xsH, int kh, int kw, int sh, int dh, int dw, int oh, int ow)
    {
        _x = x; _xsN = xsN; _xsC = xsC; _xsH = xsH;
        _kh = kh; _kw = kw; _dh = dh; _dw = dw; _ow = ow; _ohw = oh * ow;
        _step = sh * xsH;
    }

    /// <summary>
    /// Asks for images [0, count)'s planes ahead of the first panel: panels read every channel's rows a few positions at a
    /// time, an order the hardware prefetcher does not follow, so without this the first panels waited on x line by line.
    /// Only when they fit comfortably in L2 (512 KB); larger images would only evict their own first rows.
    /// </summary>
    public void Prefetch(int count, int channels, int h, int w)
    {
        if ((long)count * channels * h * w * sizeof(float) > 512 << 10) return;
        for (int n = 0; n < count; n++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < h; i++)
                {
                    byte* row = (byte*)(_x + n * _xsN + c * _xsC + i * _xsH), end = row + (long)w * sizeof(float);
                    for (byte* p = row; p < end; p += 64) Sse.Prefetch1(p);
                    Sse.Prefetch1(end - 1);
                }
    }

    /// <summary>
    /// <see cref="GemmBSource{T}"/> for the lowered matrix itself (taps x positions, the forward's B): rows [pc, pc+kc)
    /// are taps, columns [j0, j0+cols) positions.
    /// </summary>
    public static void PackForward(void* state, int j0, int cols, int pc, int kc, int nr, float* dst)
    {
        var s = (LoweredPanels*)state;
        if (nr % 16 != 0) throw new ArgumentException($"conv2d: lowered panels need a multiple of 16 columns, got {nr}.");
        int vectors = nr / 16;
        var plan = stackalloc Piece[2 * vectors];
        s->Plan(j0, j0 + cols, vectors, plan);
        long* taps = stackalloc long[kc];
        s->Taps(pc, kc, taps);
        s->Run(plan, vectors, taps, kc, dst, nr);
    }

    /// <summary>
    /// The lowered matrix's columns [j0, j0 + width) of one image for all <paramref name="taps"/> taps, as rows:
    /// dst[t·ld + j] (ld a multiple of 16 at least width rounded up to 16, dst 64-byte aligned; lanes past width are
    /// written with zeros). The weight gradient of large images multiplies these tiles.
    /// </summary>
    public void Rows(int j0, int width, int taps, float* dst, long ld)
    {
        if (ld % 16 != 0 || ld < ((width + 15) & ~15))
            throw new ArgumentException($"conv2d: lowered rows need a 16-aligned row stride of at least {(width + 15) & ~15}, got {ld}.");
        long* offsets = (long*)(_tapScratch ??= new GemmScratch()).Get((nuint)((long)taps * sizeof(long)));
        Taps(0, taps, offsets);
        // 256 positions at a time keep the plan small enough for the stack.
        const int Chunk = 256;
        var plan = stackalloc Piece[2 * (Chunk / 16)];
        for (int q = 0; q < width; q += Chunk)
        {
            int w = Math.Min(Chunk, width - q), vectors = (w + 15) / 16;
            Plan(j0 + q, j0 + q + w, vectors, plan);
            Run(plan, vectors, offsets, taps, dst + q, ld);
        }
    }

    [ThreadStatic] private static GemmScratch? _tapScratch;

    /// <summary>Offsets in x of kernel taps [r0, r0 + count), r = (c·KH + i)·KW + k.</summary>
    private void Taps(int r0, int count, long* taps)
    {
        int k = r0 % _kw, i = r0 / _kw % _kh, c = r0 / _kw / _kh;
        for (int t = 0; t < count; t++)
        {
            taps[t] = c * _xsC + (long)i * _dh * _xsH + (long)k * _dw;
            if (++k == _kw) { k = 0; if (++i == _kh) { i = 0; c++; } }
        }
    }

    /// <summary>
    /// Runs a plan for every tap: row t of dst (stride ld, 64-byte aligned) gets the plan's 16·vectors values read at
    /// taps[t]. Vector by vector, so each vector's pieces stay in registers across the taps.
    /// </summary>
    private void Run(Piece* plan, int vectors, long* taps, int count, float* dst, long ld)
    {
        float* x = _x;
        for (int v = 0; v < vectors; v++, dst += 16)
        {
            ref var p0 = ref *plan++;
            var idx0 = p0.Idx;
            long a0 = p0.Src, b0 = p0.Src + p0.Second;
            if (p0.EndsVector && p0.Full)
            {
                for (int t = 0; t < count; t++)
                {
                    float* s = x + taps[t];
                    Vector512.StoreAligned(Avx512F.PermuteVar16x32x2(Vector512.Load(s + a0), idx0, Vector512.Load(s + b0)), dst + t * ld);
                }
            }
            else if (p0.EndsVector)
            {
                // One image's run, then padding: the padding lanes are zero.
                var mask = p0.Mask;
                for (int t = 0; t < count; t++)
                {
                    float* s = x + taps[t];
                    var val = Avx512F.PermuteVar16x32x2(Vector512.Load(s + a0), idx0, Vector512.Load(s + b0));
                    Vector512.StoreAligned(val & mask, dst + t * ld);
                }
            }
            else
            {
                // Two images meet inside this vector (a plan has at most two pieces per vector).
                ref var p1 = ref *plan++;
                var idx1 = p1.Idx;
                var mask0 = p0.Mask;
                var mask1 = p1.Mask;
                long a1 = p1.Src, b1 = p1.Src + p1.Second;
                for (int t = 0; t < count; t++)
                {
                    float* s = x + taps[t];
                    var v0 = Avx512F.PermuteVar16x32x2(Vector512.Load(s + a0), idx0, Vector512.Load(s + b0));
                    var v1 = Avx512F.PermuteVar16x32x2(Vector512.Load(s + a1), idx1, Vector512.Load(s + b1));
                    Vector512.StoreAligned((v0 & mask0) | (v1 & mask1), dst + t * ld);
                }
            }
        }
    }

    /// <summary>
    /// The lanes of one output vector that come from one image: loads at Src and Src + Second (offsets in x before the
    /// tap's), permuted by Idx; Mask marks the lanes (all of them when Full).
    /// </summary>
    private struct Piece
    {
        public Vector512<int> Idx;
        public Vector512<float> Mask;
        public long Src;
        public int Second;
        public bool Full, EndsVector;
    }

    /// <summary>
    /// Plans group columns [ja, jb) as <paramref name="vectors"/> output vectors of 16 lanes (lanes past jb stay zero):
    /// one or two pieces per vector, in order, the last of each flagged.
    /// </summary>
    private int Plan(int ja, int jb, int vectors, Piece* plan)
    {
        int count = 0;
        int* idx = stackalloc int[16];
        int* rels = stackalloc int[16];
        var lane = Vector512<int>.Indices;
        for (int v = 0; v < vectors; v++)
        {
            int va = ja + 16 * v, vb = Math.Min(jb, va + 16);
            if (vb <= va)
            {
                // Only padding: one piece with no lanes.
                plan[count++] = new Piece { Mask = Vector512<float>.Zero, EndsVector = true };
                continue;
            }
            for (int j = va; j < vb;)
            {
                int n = j / _ohw, qa = j - n * _ohw, qb = Math.Min(_ohw, qa + (vb - j));
                // The window of 16 positions read: starts at qa unless that would run past the image's last position.
                int w = Math.Min(qa, _ohw - 16);
                // Offsets of the window's 16 positions relative to its first, walked row by row.
                int wr = w / _ow, wc = w - wr * _ow;
                for (int i = 0, col = wc, rowOff = 0; i < 16; i++)
                {
                    rels[i] = rowOff + col - wc;
                    if (++col == _ow) { col = 0; rowOff += (int)_step; }
                }
                long sw = (long)wr * _step + wc;
                int second = Math.Max(0, rels[15] - 15);
                new Span<int>(idx, 16).Clear();
                for (int q = qa; q < qb; q++)
                {
                    int rel = rels[q - w];
                    idx[j - va + (q - qa)] = rel < 16 ? rel : 16 + rel - second;
                }
                int a = j - va, b = a + (qb - qa);
                plan[count++] = new Piece
                {
                    Idx = Vector512.Load(idx),
                    Mask = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(a)) & Vector512.LessThan(lane, Vector512.Create(b))).AsSingle(),
                    Src = n * _xsN + sw,
                    Second = second,
                    Full = a == 0 && b == 16,
                };
                j += qb - qa;
            }
            plan[count - 1].EndsVector = true;
        }
        return count;
    }
}
