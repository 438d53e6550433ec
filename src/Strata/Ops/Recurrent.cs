using Strata.Autograd;
using Strata.Backends;

namespace Strata;

// One direction of a recurrent layer over the whole sequence as one op with one backward node. Step by step on the
// tape, every step records a product, a chunk and a handful of elementwise nodes and tensors; here the backend runs
// the recurrence with fused gate kernels into whole-sequence buffers, and the backward runs backpropagation through
// time in one call, then computes dW_hh as a single product over all steps.
public sealed partial class Tensor
{
    /// <summary>
    /// Runs <paramref name="cell"/> over xProj [N, T, G·H] (the input projections x·W_ihᵀ of every step), input bias
    /// b_ih [G·H], recurrent weight W_hh [G·H, H] and bias b_hh [G·H]. The input bias is applied here rather than by
    /// the projection so that both bias gradients come from one pass over the gate gradients. Returns one tensor
    /// [N, T + 1 (+ 1 for LSTM), H]: the outputs of the T steps, then the final hidden state, then (LSTM) the final
    /// cell state; one output keeps them in one node.
    /// </summary>
    internal static Tensor RecurrentSequenceOp(RecurrentCell cell, Tensor xProj, Tensor? biasIh, Tensor weightHh, Tensor? biasHh,
        Tensor? h0, Tensor? c0, Tensor? mask, bool reverse)
    {
        string op = cell.OpName();
        int gates = cell.Gates();
        bool lstm = cell == RecurrentCell.Lstm, gru = cell == RecurrentCell.Gru;
        if (weightHh.Rank != 2 || weightHh._shape[0] != gates * weightHh._shape[1])
            throw new ArgumentException($"{op}: recurrent weight must be [{gates}·H, H], got shape {weightHh.Shape}.");
        int hidden = weightHh._shape[1], gh = gates * hidden;
        if (xProj.Rank != 3 || xProj._shape[2] != gh)
            throw new ArgumentException($"{op}: input projections must be [N, T, {gh}] ({gates}·H with H = {hidden} from weight {weightHh.Shape}), got shape {xProj.Shape}.");
        if (!xProj.DType.IsFloating())
            throw new ArgumentException($"{op}: needs floating-point operands, got input projections of dtype {xProj.DType.Name()}.");
        int n = xProj._shape[0], steps = xProj._shape[1];
        if (steps == 0) throw new ArgumentException($"{op}: the sequence has no time steps (input projections {xProj.Shape}).");
        CheckOperand(op, "recurrent weight", weightHh, xProj);
        CheckBias(op, "input bias", biasIh, xProj, gh);
        CheckBias(op, "recurrent bias", biasHh, xProj, gh);
        CheckStateOperand(op, "h0", h0, xProj, n, hidden);
        if (c0 is not null && !lstm) throw new ArgumentException($"{op}: has no cell state; c0 is only for LSTM.");
        CheckStateOperand(op, "c0", c0, xProj, n, hidden);
        if (mask is not null)
        {
            CheckSameDevice(op, xProj, mask);
            if (mask.DType != DType.Bool || mask.Rank != 2 || mask._shape[0] != n || mask._shape[1] != steps)
                throw new ArgumentException($"{op}: mask must be a bool tensor [N={n}, T={steps}], got {mask.DType.Name()} {mask.Shape}.");
        }

        var dt = xProj.DType;
        var dev = xProj.Device;
        int extra = lstm ? 2 : 1;
        var packed = Empty(op, new[] { n, steps + extra, hidden }, dt, dev);
        var hPrev = Empty(op, new[] { n, steps, hidden }, dt, dev);
        var cPrev = lstm ? Empty(op, new[] { n, steps, hidden }, dt, dev) : null;
        var gateBuf = Empty(op, new[] { n, steps, gh }, dt, dev);
        var aux = lstm || gru ? Empty(op, new[] { n, steps, hidden }, dt, dev) : null;

        var xc = UnitLastStride(xProj);
        var bic = biasIh is null ? null : UnitLastStride(biasIh);
        var bc = biasHh is null ? null : UnitLastStride(biasHh);
        var h0c = h0 is null ? null : UnitLastStride(h0);
        var c0c = c0 is null ? null : UnitLastStride(c0);
        // Read at each use, so that a tensor released in between throws instead of exposing a reused buffer.
        RecurrentBuffers Saved() => new()
        {
            Cell = cell,
            Reverse = reverse,
            Whh = weightHh.Desc,
            Mask = mask?.Desc ?? default,
            HPrev = hPrev.Desc,
            CPrev = cPrev?.Desc ?? default,
            Gates = gateBuf.Desc,
            Aux = aux?.Desc ?? default,
        };
        var fwd = Saved();
        fwd.XProj = xc.Desc;
        fwd.Bih = bic?.Desc ?? default;
        fwd.Bhh = bc?.Desc ?? default;
        fwd.H0 = h0c?.Desc ?? default;
        fwd.C0 = c0c?.Desc ?? default;
        (fwd.Output, fwd.HN, fwd.CN) = PackedParts(packed.Desc, steps, lstm);
        xProj.Backend.RecurrentForward(fwd);
        if (!ReferenceEquals(xc, xProj)) xc.Dispose();
        if (!ReferenceEquals(bic, biasIh)) bic?.Dispose();
        if (!ReferenceEquals(bc, biasHh)) bc?.Dispose();
        if (!ReferenceEquals(h0c, h0)) h0c?.Dispose();
        if (!ReferenceEquals(c0c, c0)) c0c?.Dispose();

        var inputs = new List<Tensor> { xProj, weightHh };
        int iBih = biasIh is null ? -1 : Add(inputs, biasIh);
        int iBhh = biasHh is null ? -1 : Add(inputs, biasHh);
        int iH0 = h0 is null ? -1 : Add(inputs, h0);
        int iC0 = c0 is null ? -1 : Add(inputs, c0);
        var savedTensors = new List<Tensor> { hPrev, gateBuf };
        if (cPrev is not null) savedTensors.Add(cPrev);
        if (aux is not null) savedTensors.Add(aux);
        if (!Engine.ShouldRecord(inputs.ToArray()))
        {
            foreach (var t in savedTensors) t.Dispose();
            return packed;
        }

        Engine.Record(packed, op, inputs.ToArray(), (g, node) =>
        {
            var gc = UnitLastStride(g);
            var dx = Empty(op, new[] { n, steps, gh }, dt, dev);
            var dhp = gru ? Empty(op, new[] { n, steps, gh }, dt, dev) : dx;
            var dh0 = iH0 >= 0 && node.Needs(iH0) ? Empty(op, new[] { n, hidden }, dt, dev) : null;
            var dc0 = iC0 >= 0 && node.Needs(iC0) ? Empty(op, new[] { n, hidden }, dt, dev) : null;
            var dbih = iBih >= 0 && node.Needs(iBih) ? Empty(op, new[] { gh }, dt, dev) : null;
            var dbhh = iBhh >= 0 && node.Needs(iBhh) ? Empty(op, new[] { gh }, dt, dev) : null;
            var bwd = Saved();
            (bwd.GradOutput, bwd.GradHN, bwd.GradCN) = PackedParts(gc.Desc, steps, lstm);
            bwd.GradXProj = dx.Desc;
            bwd.GradHProj = dhp.Desc;
            bwd.GradH0 = dh0?.Desc ?? default;
            bwd.GradC0 = dc0?.Desc ?? default;
            bwd.GradBih = dbih?.Desc ?? default;
            bwd.GradBhh = dbhh?.Desc ?? default;
            dx.Backend.RecurrentBackward(bwd);
            if (!ReferenceEquals(gc, g)) gc.Dispose();

            if (node.Needs(1))
            {
                // dW_hh = Σ_t dHProj_tᵀ · h_prev,t: all steps and rows in one product over the stacked buffers.
                var dw = Empty(op, weightHh._shape, dt, dev);
                int rows = n * steps;
                dw.Backend.Matmul(
                    new TensorDesc(dhp.Buffer, dt, new[] { 1, gh, rows }, new[] { 0, 1, gh }, 0),
                    new TensorDesc(hPrev.Buffer, dt, new[] { 1, rows, hidden }, new[] { 0, hidden, 1 }, 0),
                    new TensorDesc(dw.Buffer, dt, new[] { 1, gh, hidden }, new[] { 0, hidden, 1 }, 0));
                node.Grads[1] = dw;
            }
            if (dbih is not null) node.Grads[iBih] = dbih;
            if (dbhh is not null) node.Grads[iBhh] = dbhh;
            if (dh0 is not null) node.Grads[iH0] = dh0;
            if (dc0 is not null) node.Grads[iC0] = dc0;
            if (gru) dhp.Dispose();
            if (node.Needs(0)) node.Grads[0] = dx;
            else dx.Dispose();
        });
        packed._gradFn!.Saved = savedTensors.ToArray();
        return packed;
    }

    private static int Add(List<Tensor> list, Tensor t)
    {
        list.Add(t);
        return list.Count - 1;
    }

    /// <summary>The outputs [N, T, H], final hidden state and (LSTM) final cell state [N, H] inside a packed [N, T + 1|2, H] tensor.</summary>
    private static (TensorDesc Output, TensorDesc H, TensorDesc C) PackedParts(in TensorDesc p, int steps, bool lstm)
    {
        int sn = p.Strides[0], st = p.Strides[1], sh = p.Strides[2], n = p.Shape[0], h = p.Shape[2];
        var output = p.WithLayout(new[] { n, steps, h }, new[] { sn, st, sh }, p.Offset);
        var hn = p.WithLayout(new[] { n, h }, new[] { sn, sh }, p.Offset + steps * st);
        var cn = lstm ? p.WithLayout(new[] { n, h }, new[] { sn, sh }, p.Offset + (steps + 1) * st) : default;
        return (output, hn, cn);
    }

    /// <summary>t itself when its last dimension is unit-stride (what the recurrent kernels need), else a contiguous copy.</summary>
    private static Tensor UnitLastStride(Tensor t) => t._shape[^1] <= 1 || t._strides[^1] == 1 ? t : t.ConvertNoGrad(t.DType);

    private static void CheckOperand(string op, string what, Tensor t, Tensor xProj)
    {
        CheckSameDevice(op, xProj, t);
        if (t.DType != xProj.DType)
            throw new ArgumentException($"{op}: {what} dtype {t.DType.Name()} (shape {t.Shape}) differs from input projections dtype {xProj.DType.Name()}; convert one with To().");
    }

    private static void CheckBias(string op, string what, Tensor? b, Tensor xProj, int gh)
    {
        if (b is null) return;
        CheckOperand(op, what, b, xProj);
        if (b.Rank != 1 || b._shape[0] != gh)
            throw new ArgumentException($"{op}: {what} must have shape [{gh}], got {b.Shape}.");
    }

    private static void CheckStateOperand(string op, string name, Tensor? s, Tensor xProj, int n, int hidden)
    {
        if (s is null) return;
        CheckOperand(op, name, s, xProj);
        if (s.Rank != 2 || s._shape[0] != n || s._shape[1] != hidden)
            throw new ArgumentException($"{op}: {name} must have shape [{n}, {hidden}] (batch, hidden), got {s.Shape}.");
    }
}

public static partial class Functional
{
    /// <summary>
    /// One direction of a recurrent layer over a whole sequence as one op (see <see cref="Tensor.RecurrentSequenceOp"/>):
    /// returns every step's output [N, T, H] and the final hidden and (LSTM) cell states [N, H].
    /// </summary>
    internal static (Tensor Output, Tensor Hidden, Tensor? Cell) RecurrentSequence(RecurrentCell cell, Tensor xProj, Tensor? biasIh,
        Tensor weightHh, Tensor? biasHh, Tensor? h0 = null, Tensor? c0 = null, Tensor? mask = null, bool reverse = false)
    {
        var packed = Tensor.RecurrentSequenceOp(cell, xProj, biasIh, weightHh, biasHh, h0, c0, mask, reverse);
        int steps = xProj.Shape[1];
        return (packed.Narrow(1, 0, steps), packed.Select(1, steps), cell == RecurrentCell.Lstm ? packed.Select(1, steps + 1) : null);
    }
}
