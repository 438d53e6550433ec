namespace Strata.Backends.Cpu;

/// <summary>A row kernel: processes <c>n</c> elements along the innermost dimension. Operand 0 is the output.</summary>
internal unsafe interface IRowKernel
{
    void Row(int n, byte* p0, int s0, byte* p1, int s1, byte* p2, int s2, byte* p3, int s3);
}

/// <summary>
/// Walks up to four same-shaped strided operands (broadcast ones have stride 0) row by row: dimensions that are
/// contiguous in every operand are merged first, so the common contiguous case is one long row per chunk.
/// Large loops are split over the thread pool by rows (or by row segments when there is a single row).
/// </summary>
internal static unsafe class StridedLoop
{
    public const int MaxRank = 16;
    /// <summary>Below this many elements an elementwise op stays on the calling thread.</summary>
    public const int ParallelThreshold = 1 << 16;
    private const int SegmentElements = 1 << 14;

    internal struct Plan
    {
        public int Rank;
        public int Operands;
        public fixed int Shape[MaxRank];
        public fixed int Strides[4 * MaxRank];
        public fixed long Base[4];
        public fixed int ElemSize[4];
    }

    public static Plan MakePlan(int[] shape, in TensorDesc d0, in TensorDesc d1, in TensorDesc d2, in TensorDesc d3, int operands)
    {
        if (shape.Length > MaxRank) throw new ArgumentException($"Tensors of rank {shape.Length} exceed Strata's maximum rank {MaxRank}.");
        Plan p = default;
        p.Operands = operands;
        int rank = 0;
        // Drop size-1 dims, then merge neighbours that are contiguous in every operand.
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            if (rank > 0)
            {
                bool merge = true;
                for (int o = 0; o < operands; o++)
                {
                    int sPrev = p.Strides[o * MaxRank + rank - 1];
                    int sCur = StrideOf(o, i, d0, d1, d2, d3);
                    if (sPrev != sCur * shape[i]) { merge = false; break; }
                }
                if (merge)
                {
                    p.Shape[rank - 1] *= shape[i];
                    for (int o = 0; o < operands; o++) p.Strides[o * MaxRank + rank - 1] = StrideOf(o, i, d0, d1, d2, d3);
                    continue;
                }
            }
            p.Shape[rank] = shape[i];
            for (int o = 0; o < operands; o++) p.Strides[o * MaxRank + rank] = StrideOf(o, i, d0, d1, d2, d3);
            rank++;
        }
        if (rank == 0)
        {
            p.Shape[0] = 1;
            rank = 1;
        }
        p.Rank = rank;
        SetBase(ref p, 0, d0);
        if (operands > 1) SetBase(ref p, 1, d1);
        if (operands > 2) SetBase(ref p, 2, d2);
        if (operands > 3) SetBase(ref p, 3, d3);
        return p;
    }

    private static int StrideOf(int o, int i, in TensorDesc d0, in TensorDesc d1, in TensorDesc d2, in TensorDesc d3) => o switch
    {
        0 => d0.Strides[i],
        1 => d1.Strides[i],
        2 => d2.Strides[i],
        _ => d3.Strides[i],
    };

    private static void SetBase(ref Plan p, int o, in TensorDesc d)
    {
        int size = d.DType.SizeOf();
        p.ElemSize[o] = size;
        p.Base[o] = (long)((byte*)HostMemory.PointerOf(d.Buffer) + (long)d.Offset * size);
    }

    public static void Run<TK>(int[] shape, in TensorDesc d0, in TensorDesc d1, in TensorDesc d2, in TensorDesc d3, int operands, TK kernel)
        where TK : struct, IRowKernel
    {
        var plan = MakePlan(shape, d0, d1, d2, d3, operands);
        long numel = 1;
        for (int i = 0; i < plan.Rank; i++) numel *= plan.Shape[i];
        if (numel == 0) return;
        int inner = plan.Shape[plan.Rank - 1];
        long rows = numel / inner;
        if (numel < ParallelThreshold || CpuThreadPool.Threads == 1)
        {
            RunRows(ref plan, kernel, 0, rows, 0, inner);
            return;
        }
        var body = new Body<TK> { Plan = plan, Kernel = kernel };
        if (rows >= 2 * CpuThreadPool.Threads || inner < 2 * SegmentElements)
        {
            body.Rows = rows;
            body.Inner = inner;
            body.RowsPerChunk = Math.Max(1, (int)Math.Min(rows, Math.Max(1, SegmentElements / Math.Max(inner, 1))));
            CpuThreadPool.For((int)((rows + body.RowsPerChunk - 1) / body.RowsPerChunk), body);
        }
        else
        {
            body.Rows = rows;
            body.Inner = inner;
            body.Segmented = true;
            body.Segments = (inner + SegmentElements - 1) / SegmentElements;
            CpuThreadPool.For((int)(rows * body.Segments), body);
        }
    }

    private sealed class Body<TK> : ParallelBody where TK : struct, IRowKernel
    {
        public Plan Plan;
        public TK Kernel;
        public long Rows;
        public int Inner;
        public int RowsPerChunk;
        public bool Segmented;
        public int Segments;

        public override void Invoke(int index)
        {
            if (!Segmented)
            {
                long r0 = (long)index * RowsPerChunk;
                long r1 = Math.Min(Rows, r0 + RowsPerChunk);
                RunRows(ref Plan, Kernel, r0, r1, 0, Inner);
            }
            else
            {
                long row = index / Segments;
                int seg = index % Segments;
                int c0 = seg * SegmentElements;
                int c1 = Math.Min(Inner, c0 + SegmentElements);
                RunRows(ref Plan, Kernel, row, row + 1, c0, c1);
            }
        }
    }

    private static void RunRows<TK>(ref Plan p, TK kernel, long r0, long r1, int c0, int c1) where TK : struct, IRowKernel
    {
        int rank = p.Rank;
        int ops = p.Operands;
        // Decompose the first row index into a multi-index over the outer dims.
        Span<int> idx = stackalloc int[MaxRank];
        long rem = r0;
        for (int d = rank - 2; d >= 0; d--)
        {
            idx[d] = (int)(rem % p.Shape[d]);
            rem /= p.Shape[d];
        }
        int n = c1 - c0;
        int s0 = p.Strides[0 * MaxRank + rank - 1], s1 = p.Strides[1 * MaxRank + rank - 1];
        int s2 = p.Strides[2 * MaxRank + rank - 1], s3 = p.Strides[3 * MaxRank + rank - 1];
        for (long r = r0; r < r1; r++)
        {
            long o0 = (long)c0 * s0, o1 = (long)c0 * s1, o2 = (long)c0 * s2, o3 = (long)c0 * s3;
            for (int d = 0; d < rank - 1; d++)
            {
                o0 += (long)idx[d] * p.Strides[0 * MaxRank + d];
                o1 += (long)idx[d] * p.Strides[1 * MaxRank + d];
                o2 += (long)idx[d] * p.Strides[2 * MaxRank + d];
                o3 += (long)idx[d] * p.Strides[3 * MaxRank + d];
            }
            kernel.Row(n,
                (byte*)p.Base[0] + o0 * p.ElemSize[0], s0,
                ops > 1 ? (byte*)p.Base[1] + o1 * p.ElemSize[1] : null, s1,
                ops > 2 ? (byte*)p.Base[2] + o2 * p.ElemSize[2] : null, s2,
                ops > 3 ? (byte*)p.Base[3] + o3 * p.ElemSize[3] : null, s3);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < p.Shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
