using System.Numerics;
using Strata.Backends;
using Strata.Backends.Cpu;

namespace Strata.Optim;

/// <summary>
/// Adam's whole per-parameter update in one pass over memory (weight decay, both moments, bias corrections,
/// optional AMSGrad maximum, the parameter step), instead of ~10 tensor ops each writing a temporary. Used for
/// contiguous host tensors of one floating dtype; anything else takes the composite path in <see cref="Adam"/>.
/// The arithmetic follows the composite path term by term, so results match it.
/// </summary>
internal static unsafe class AdamKernel
{
    /// <summary>Hyper-parameters of one step; <c>StepSize</c> is lr / (1 - beta1^t).</summary>
    internal readonly record struct Args(double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled, double Lr,
        double StepSize, double Bc2Sqrt);

    /// <summary>Updates p, m, v (and vmax) in place; false when the tensors do not qualify (nothing is changed then).</summary>
    public static bool TryUpdate(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor? vmax, in Args a)
    {
        if (!Qualifies(p, grad, m, v, vmax)) return false;
        int n = checked((int)p.Numel);
        if (p.DType == DType.Float32) Split(n, P<float>(p), P<float>(grad), P<float>(m), P<float>(v), vmax is null ? null : P<float>(vmax), a);
        else Split(n, P<double>(p), P<double>(grad), P<double>(m), P<double>(v), vmax is null ? null : P<double>(vmax), a);
        return true;
    }

    // Elements per parallel chunk: a large tensor (the seed CNN's 205K-element dense weight) is split over the threads;
    // the update is elementwise, so the values do not depend on the split.
    private const int Chunk = 1 << 15;

    private static void Split<T>(int n, T* p, T* g, T* m, T* v, T* vmax, Args a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n <= Chunk)
        {
            Run(n, p, g, m, v, vmax, a);
            return;
        }
        int chunks = (n + Chunk - 1) / Chunk;
        CpuThreadPool.For(chunks, c =>
        {
            long o = (long)c * Chunk;
            Run(Math.Min(Chunk, n - (int)o), p + o, g + o, m + o, v + o, vmax == null ? null : vmax + o, a);
        });
    }

    private static bool Qualifies(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor? vmax)
    {
        if (p.DType is not (DType.Float32 or DType.Float64)) return false;
        return Same(p, p) && Same(p, grad) && Same(p, m) && Same(p, v) && (vmax is null || Same(p, vmax));
    }

    private static bool Same(Tensor p, Tensor t) =>
        t.DType == p.DType && t.IsContiguous && t.Numel == p.Numel && t.Buffer is IHostMemory;

    private static T* P<T>(Tensor t) where T : unmanaged => (T*)HostMemory.PointerOf(t.Buffer) + t.StorageOffset;

    private static void Run<T>(int n, T* p, T* g, T* m, T* v, T* vmax, in Args a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateChecked(a.Beta1), ob1 = T.CreateChecked(1 - a.Beta1);
        T b2 = T.CreateChecked(a.Beta2), ob2 = T.CreateChecked(1 - a.Beta2);
        T wd = T.CreateChecked(a.WeightDecay), decay = T.CreateChecked(1 - a.Lr * a.WeightDecay);
        T eps = T.CreateChecked(a.Eps), bc2 = T.CreateChecked(a.Bc2Sqrt), step = T.CreateChecked(-a.StepSize);
        bool coupled = a.WeightDecay != 0 && !a.Decoupled, decoupled = a.WeightDecay != 0 && a.Decoupled;
        int i = 0, w = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<T>(b1); var vob1 = new Vector<T>(ob1);
            var vb2 = new Vector<T>(b2); var vob2 = new Vector<T>(ob2);
            var vwd = new Vector<T>(wd); var vdecay = new Vector<T>(decay);
            var veps = new Vector<T>(eps); var vbc2 = new Vector<T>(bc2); var vstep = new Vector<T>(step);
            for (; i <= n - w; i += w)
            {
                var pi = Vector.Load(p + i);
                var gi = Vector.Load(g + i);
                if (decoupled) pi *= vdecay;
                if (coupled) gi += pi * vwd;
                var mi = Vector.Load(m + i) * vb1 + gi * vob1;
                var vi = Vector.Load(v + i) * vb2 + gi * gi * vob2;
                Vector.Store(mi, m + i);
                Vector.Store(vi, v + i);
                if (vmax != null)
                {
                    vi = Vector.Max(Vector.Load(vmax + i), vi);
                    Vector.Store(vi, vmax + i);
                }
                var denom = Vector.SquareRoot(vi) / vbc2 + veps;
                Vector.Store(pi + mi / denom * vstep, p + i);
            }
        }
        for (; i < n; i++)
        {
            T pi = p[i], gi = g[i];
            if (decoupled) pi *= decay;
            if (coupled) gi += pi * wd;
            T mi = m[i] * b1 + gi * ob1;
            T vi = v[i] * b2 + gi * gi * ob2;
            m[i] = mi;
            v[i] = vi;
            if (vmax != null)
            {
                vi = T.Max(vmax[i], vi);
                vmax[i] = vi;
            }
            T denom = T.Sqrt(vi) / bc2 + eps;
            p[i] = pi + mi / denom * step;
        }
    }
}
