using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Strata.Backends.Cpu;

/// <summary>
/// One batch row of one step of each recurrent cell, forward and backward, over plain pointers. <c>hp</c> is the raw
/// product h·W_hhᵀ of the row; the recurrent bias is added here. The transcendental functions are TensorPrimitives'
/// (the same as the Sigmoid and Tanh ops); the arithmetic around them runs in one vectorised pass per output.
/// Sums keep the unfused ops' order ((x·W_ihᵀ + b_ih) + (h·W_hhᵀ + b_hh)), as two Linear layers would compute them.
/// </summary>
internal static unsafe class RecurrentCellKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static Span<T> S(T* p, int n) => new(p, n);

    /// <summary>dst = (x + bi) + (hp + bh), the biases optional.</summary>
    private static void PreActivation(int n, T* x, T* bi, T* hp, T* bh, T* dst)
    {
        int j = 0, w = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            if (bi != null && bh != null)
                for (; j <= n - w; j += w)
                    Vector.Store((Vector.Load(x + j) + Vector.Load(bi + j)) + (Vector.Load(hp + j) + Vector.Load(bh + j)), dst + j);
            else if (bi == null && bh == null)
                for (; j <= n - w; j += w) Vector.Store(Vector.Load(x + j) + Vector.Load(hp + j), dst + j);
        }
        for (; j < n; j++) dst[j] = (bi != null ? x[j] + bi[j] : x[j]) + (bh != null ? hp[j] + bh[j] : hp[j]);
    }

    // ---- forward ----

    /// <summary>RNN: y = act(x + hp + biases); writes gates (the activation), the next state and the output.</summary>
    public static void RnnForward(int h, bool relu, T* x, T* bi, T* hp, T* b, T* gates, T* hNext, T* y)
    {
        PreActivation(h, x, bi, hp, b, gates);
        if (relu) TensorPrimitives.Max(S(gates, h), T.Zero, S(gates, h));
        else TensorPrimitives.Tanh(S(gates, h), S(gates, h));
        Buffer.MemoryCopy(gates, hNext, (long)h * sizeof(T), (long)h * sizeof(T));
        Buffer.MemoryCopy(gates, y, (long)h * sizeof(T), (long)h * sizeof(T));
    }

    /// <summary>
    /// LSTM: gates i, f, g, o; c' = f⊙c + i⊙g, h' = o⊙tanh(c'). Saves the activations and tanh(c'). One pass computes
    /// all four gates of a column block and the state update, so the row is read and written once.
    /// </summary>
    public static void LstmForward(int h, T* x, T* bi, T* hp, T* b, T* cPrev, T* gates, T* tanhC, T* cNext, T* hNext, T* y)
    {
        int j = 0, w = Vector<T>.Count;
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
            j = LstmForward512(h, (float*)x, (float*)bi, (float*)hp, (float*)b, (float*)cPrev, (float*)gates, (float*)tanhC, (float*)cNext, (float*)hNext, (float*)y);
        else if (Vector.IsHardwareAccelerated && bi != null && b != null)
        {
            for (; j <= h - w; j += w)
            {
                var i = Sigmoid(Pre(x, bi, hp, b, j));
                var f = Sigmoid(Pre(x, bi, hp, b, h + j));
                var g = Tanh(Pre(x, bi, hp, b, 2 * h + j));
                var o = Sigmoid(Pre(x, bi, hp, b, 3 * h + j));
                Vector.Store(i, gates + j);
                Vector.Store(f, gates + h + j);
                Vector.Store(g, gates + 2 * h + j);
                Vector.Store(o, gates + 3 * h + j);
                var c = f * Vector.Load(cPrev + j) + i * g;
                Vector.Store(c, cNext + j);
                var tc = Tanh(c);
                Vector.Store(tc, tanhC + j);
                var hv = o * tc;
                Vector.Store(hv, hNext + j);
                Vector.Store(hv, y + j);
            }
        }
        if (j == h) return;
        // Remaining columns (and the bias-free case): the same equations through TensorPrimitives, block by block.
        for (int k = 0; k < 4; k++) PreActivation(h - j, x + k * h + j, bi == null ? null : bi + k * h + j, hp + k * h + j, b == null ? null : b + k * h + j, gates + k * h + j);
        int r = h - j;
        TensorPrimitives.Sigmoid(S(gates + j, r), S(gates + j, r));
        TensorPrimitives.Sigmoid(S(gates + h + j, r), S(gates + h + j, r));
        TensorPrimitives.Tanh(S(gates + 2 * h + j, r), S(gates + 2 * h + j, r));
        TensorPrimitives.Sigmoid(S(gates + 3 * h + j, r), S(gates + 3 * h + j, r));
        for (int k = j; k < h; k++) cNext[k] = gates[h + k] * cPrev[k] + gates[k] * gates[2 * h + k];
        TensorPrimitives.Tanh(S(cNext + j, r), S(tanhC + j, r));
        for (int k = j; k < h; k++) hNext[k] = y[k] = gates[3 * h + k] * tanhC[k];
    }

    /// <summary>The float32 pass of <see cref="LstmForward"/> on 16 columns at a time; returns the columns done.</summary>
    private static int LstmForward512(int h, float* x, float* bi, float* hp, float* b, float* cPrev, float* gates, float* tanhC, float* cNext, float* hNext, float* y)
    {
        int j = 0;
        for (; j <= h - 16; j += 16)
        {
            var i = FloatActivations512.Sigmoid(Pre512(x, bi, hp, b, j));
            var f = FloatActivations512.Sigmoid(Pre512(x, bi, hp, b, h + j));
            var g = FloatActivations512.Tanh(Pre512(x, bi, hp, b, 2 * h + j));
            var o = FloatActivations512.Sigmoid(Pre512(x, bi, hp, b, 3 * h + j));
            Vector512.Store(i, gates + j);
            Vector512.Store(f, gates + h + j);
            Vector512.Store(g, gates + 2 * h + j);
            Vector512.Store(o, gates + 3 * h + j);
            var c = f * Vector512.Load(cPrev + j) + i * g;
            Vector512.Store(c, cNext + j);
            var tc = FloatActivations512.Tanh(c);
            Vector512.Store(tc, tanhC + j);
            var hv = o * tc;
            Vector512.Store(hv, hNext + j);
            Vector512.Store(hv, y + j);
        }
        return j;
    }

    private static Vector512<float> Pre512(float* x, float* bi, float* hp, float* b, int at)
    {
        var xv = Vector512.Load(x + at);
        if (bi != null) xv += Vector512.Load(bi + at);
        var hv = Vector512.Load(hp + at);
        if (b != null) hv += Vector512.Load(b + at);
        return xv + hv;
    }

    private static Vector<T> Pre(T* x, T* bi, T* hp, T* b, int at)
        => (Vector.Load(x + at) + Vector.Load(bi + at)) + (Vector.Load(hp + at) + Vector.Load(b + at));

    /// <summary>1 / (1 + e^−v), as TensorPrimitives.Sigmoid computes it (the same vectorised exp).</summary>
    private static Vector<T> Sigmoid(Vector<T> v) => Vector<T>.One / (Vector<T>.One + Exp(-v));

    /// <summary>
    /// tanh as TensorPrimitives.Tanh computes it (AOCL's vrs4_tanhf): with z = e^(−2|v|) − 1, tanh|v| = −z / (z + 2),
    /// and the sign of v restored.
    /// </summary>
    private static Vector<T> Tanh(Vector<T> v)
    {
        var z = Exp(Vector.Create(T.CreateTruncating(-2)) * Vector.Abs(v)) - Vector<T>.One;
        var t = -z / (z + Vector.Create(T.CreateTruncating(2)));
        return Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), -t, t);
    }

    private static Vector<T> Exp(Vector<T> v)
    {
        if (typeof(T) == typeof(float)) return Vector.As<float, T>(Vector.Exp(Vector.As<T, float>(v)));
        return Vector.As<double, T>(Vector.Exp(Vector.As<T, double>(v)));
    }

    /// <summary>GRU: r, z = σ(x + hp + biases), n = tanh(x_n + bi_n + r⊙(hp_n + b_n)), h' = n + z⊙(h − n). Saves r, z, n and hp_n + b_n.</summary>
    public static void GruForward(int h, T* x, T* bi, T* hp, T* b, T* hPrev, T* gates, T* hn, T* hNext, T* y)
    {
        PreActivation(2 * h, x, bi, hp, b, gates);
        TensorPrimitives.Sigmoid(S(gates, 2 * h), S(gates, 2 * h));
        T* r = gates, z = gates + h, n = gates + 2 * h;
        T* xn = x + 2 * h, hpn = hp + 2 * h, bn = b == null ? null : b + 2 * h, bin = bi == null ? null : bi + 2 * h;
        int j = 0, w = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; j <= h - w; j += w)
            {
                var v = bn != null ? Vector.Load(hpn + j) + Vector.Load(bn + j) : Vector.Load(hpn + j);
                Vector.Store(v, hn + j);
                var xv = bin != null ? Vector.Load(xn + j) + Vector.Load(bin + j) : Vector.Load(xn + j);
                Vector.Store(xv + Vector.Load(r + j) * v, n + j);
            }
        for (; j < h; j++)
        {
            T v = bn != null ? hpn[j] + bn[j] : hpn[j];
            hn[j] = v;
            n[j] = (bin != null ? xn[j] + bin[j] : xn[j]) + r[j] * v;
        }
        TensorPrimitives.Tanh(S(n, h), S(n, h));
        j = 0;
        if (Vector.IsHardwareAccelerated)
            for (; j <= h - w; j += w)
            {
                var nv = Vector.Load(n + j);
                var v = nv + Vector.Load(z + j) * (Vector.Load(hPrev + j) - nv);
                Vector.Store(v, hNext + j);
                Vector.Store(v, y + j);
            }
        for (; j < h; j++) hNext[j] = y[j] = n[j] + z[j] * (hPrev[j] - n[j]);
    }

    // ---- backward ----
    // dh holds the gradient reaching this step's new state from later steps; on return it holds the part of the
    // previous state's gradient that does not pass through W_hh (the caller then adds dHProj·W_hh). gOut may be null.

    /// <summary>RNN: dpre = (gOut + dh)⊙act'(y); dh becomes 0.</summary>
    public static void RnnBackward(int h, bool relu, T* gates, T* gOut, T* dh, T* dx)
    {
        for (int j = 0; j < h; j++)
        {
            T d = gOut != null ? gOut[j] + dh[j] : dh[j];
            T y = gates[j];
            dx[j] = relu ? (y > T.Zero ? d : T.Zero) : d * (T.One - y * y);
            dh[j] = T.Zero;
        }
    }

    /// <summary>LSTM gate gradients from the saved activations, tanh(c') and c; dc becomes the gradient of c.</summary>
    public static void LstmBackward(int h, T* gates, T* tanhC, T* cPrev, T* gOut, T* dh, T* dc, T* dx)
    {
        T* i = gates, f = gates + h, g = gates + 2 * h, o = gates + 3 * h;
        T* di = dx, df = dx + h, dg = dx + 2 * h, dO = dx + 3 * h;
        int j = 0, w = Vector<T>.Count;
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
            j = LstmBackward512(h, (float*)gates, (float*)tanhC, (float*)cPrev, (float*)gOut, (float*)dh, (float*)dc, (float*)dx);
        else if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<T>.One;
            for (; j <= h - w; j += w)
            {
                var dhv = gOut != null ? Vector.Load(gOut + j) + Vector.Load(dh + j) : Vector.Load(dh + j);
                var iv = Vector.Load(i + j); var fv = Vector.Load(f + j); var gv = Vector.Load(g + j); var ov = Vector.Load(o + j);
                var tc = Vector.Load(tanhC + j);
                var dcv = Vector.Load(dc + j) + dhv * ov * (one - tc * tc);
                Vector.Store(dhv * tc * ov * (one - ov), dO + j);
                Vector.Store(dcv * gv * iv * (one - iv), di + j);
                Vector.Store(dcv * iv * (one - gv * gv), dg + j);
                Vector.Store(dcv * Vector.Load(cPrev + j) * fv * (one - fv), df + j);
                Vector.Store(dcv * fv, dc + j);
                Vector.Store(Vector<T>.Zero, dh + j);
            }
        }
        for (; j < h; j++)
        {
            T dhv = gOut != null ? gOut[j] + dh[j] : dh[j];
            T tc = tanhC[j];
            T dcv = dc[j] + dhv * o[j] * (T.One - tc * tc);
            dO[j] = dhv * tc * o[j] * (T.One - o[j]);
            di[j] = dcv * g[j] * i[j] * (T.One - i[j]);
            dg[j] = dcv * i[j] * (T.One - g[j] * g[j]);
            df[j] = dcv * cPrev[j] * f[j] * (T.One - f[j]);
            dc[j] = dcv * f[j];
            dh[j] = T.Zero;
        }
    }

    /// <summary>The float32 pass of <see cref="LstmBackward"/> on 16 columns at a time; returns the columns done.</summary>
    private static int LstmBackward512(int h, float* gates, float* tanhC, float* cPrev, float* gOut, float* dh, float* dc, float* dx)
    {
        var one = Vector512<float>.One;
        int j = 0;
        for (; j <= h - 16; j += 16)
        {
            var dhv = gOut != null ? Vector512.Load(gOut + j) + Vector512.Load(dh + j) : Vector512.Load(dh + j);
            var iv = Vector512.Load(gates + j);
            var fv = Vector512.Load(gates + h + j);
            var gv = Vector512.Load(gates + 2 * h + j);
            var ov = Vector512.Load(gates + 3 * h + j);
            var tc = Vector512.Load(tanhC + j);
            var dcv = Vector512.Load(dc + j) + dhv * ov * (one - tc * tc);
            Vector512.Store(dhv * tc * ov * (one - ov), dx + 3 * h + j);
            Vector512.Store(dcv * gv * iv * (one - iv), dx + j);
            Vector512.Store(dcv * iv * (one - gv * gv), dx + 2 * h + j);
            Vector512.Store(dcv * Vector512.Load(cPrev + j) * fv * (one - fv), dx + h + j);
            Vector512.Store(dcv * fv, dc + j);
            Vector512.Store(Vector512<float>.Zero, dh + j);
        }
        return j;
    }

    /// <summary>GRU gate gradients: dx for the input side, dhp for h·W_hhᵀ + b_hh (its n block scaled by r); dh becomes dh'⊙z.</summary>
    public static void GruBackward(int h, T* gates, T* hn, T* hPrev, T* gOut, T* dh, T* dx, T* dhp)
    {
        T* r = gates, z = gates + h, n = gates + 2 * h;
        int j = 0, w = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<T>.One;
            for (; j <= h - w; j += w)
            {
                var dhv = gOut != null ? Vector.Load(gOut + j) + Vector.Load(dh + j) : Vector.Load(dh + j);
                var rv = Vector.Load(r + j); var zv = Vector.Load(z + j); var nv = Vector.Load(n + j);
                var dn = dhv * (one - zv) * (one - nv * nv);
                var dz = dhv * (Vector.Load(hPrev + j) - nv) * zv * (one - zv);
                var dr = dn * Vector.Load(hn + j) * rv * (one - rv);
                Vector.Store(dr, dx + j); Vector.Store(dz, dx + h + j); Vector.Store(dn, dx + 2 * h + j);
                Vector.Store(dr, dhp + j); Vector.Store(dz, dhp + h + j); Vector.Store(dn * rv, dhp + 2 * h + j);
                Vector.Store(dhv * zv, dh + j);
            }
        }
        for (; j < h; j++)
        {
            T dhv = gOut != null ? gOut[j] + dh[j] : dh[j];
            T rv = r[j], zv = z[j], nv = n[j];
            T dn = dhv * (T.One - zv) * (T.One - nv * nv);
            T dz = dhv * (hPrev[j] - nv) * zv * (T.One - zv);
            T dr = dn * hn[j] * rv * (T.One - rv);
            dx[j] = dr; dx[h + j] = dz; dx[2 * h + j] = dn;
            dhp[j] = dr; dhp[h + j] = dz; dhp[2 * h + j] = dn * rv;
            dh[j] = dhv * zv;
        }
    }

    /// <summary>
    /// dst[j] = Σ over n, t of src[n, t, j]: per sample over the steps, then over samples, so no partial sum runs long
    /// (rows are read contiguously; a strided column reduction would walk the buffer once per column).
    /// </summary>
    public static void ColumnSums(int n, int steps, int cols, T* src, nint sn, nint st, T* dst, T* partial)
    {
        var total = new Span<T>(dst, cols);
        var part = new Span<T>(partial, cols);
        total.Clear();
        for (int b = 0; b < n; b++)
        {
            new ReadOnlySpan<T>(src + b * sn, cols).CopyTo(part);
            for (int t = 1; t < steps; t++) TensorPrimitives.Add(part, new ReadOnlySpan<T>(src + b * sn + t * st, cols), part);
            TensorPrimitives.Add(total, part, total);
        }
    }
}
