namespace Strata.Backends;

/// <summary>
/// Operands of the whole-sequence recurrent kernels (<see cref="IBackend.RecurrentForward"/> and
/// <see cref="IBackend.RecurrentBackward"/>). Sequences are [N, T, X] and states [N, H], batch first, with any
/// strides except that the last dimension is unit-stride. An operand that is absent has no buffer (<c>default</c>).
/// The saved buffers (<see cref="HPrev"/> .. <see cref="Aux"/>) are written by the forward and read by the backward.
/// </summary>
public struct RecurrentBuffers
{
    /// <summary>Which cell runs.</summary>
    public RecurrentCell Cell;

    /// <summary>Runs t = T−1 .. 0 instead of 0 .. T−1.</summary>
    public bool Reverse;

    /// <summary>Input projections x·W_ihᵀ of every step, [N, T, G·H].</summary>
    public TensorDesc XProj;

    /// <summary>Input bias b_ih [G·H], added to every step's projection; absent when the layer has no bias.</summary>
    public TensorDesc Bih;

    /// <summary>Recurrent weight [G·H, H] (any strides).</summary>
    public TensorDesc Whh;

    /// <summary>Recurrent bias [G·H]; absent when the layer has no bias.</summary>
    public TensorDesc Bhh;

    /// <summary>Initial hidden and cell states [N, H]; absent means zeros.</summary>
    public TensorDesc H0, C0;

    /// <summary>Step mask [N, T] (bool): where false the state is carried unchanged and the output is zero.</summary>
    public TensorDesc Mask;

    /// <summary>Forward outputs: every step's (masked) hidden state [N, T, H], final hidden and cell states [N, H].</summary>
    public TensorDesc Output, HN, CN;

    /// <summary>Saved: the hidden state before each step [N, T, H] (indexed by time, whatever the direction).</summary>
    public TensorDesc HPrev;

    /// <summary>Saved (LSTM): the cell state before each step [N, T, H].</summary>
    public TensorDesc CPrev;

    /// <summary>Saved: gate activations [N, T, G·H] (LSTM i, f, g, o; GRU r, z, n; RNN the new hidden state).</summary>
    public TensorDesc Gates;

    /// <summary>Saved: LSTM tanh(c'), GRU h·W_hnᵀ + b_hn, [N, T, H]; absent for RNN.</summary>
    public TensorDesc Aux;

    /// <summary>Backward inputs: gradients of <see cref="Output"/>, <see cref="HN"/> and <see cref="CN"/>; absent means zero.</summary>
    public TensorDesc GradOutput, GradHN, GradCN;

    /// <summary>Backward output: gradient of the gate pre-activations on the input side, [N, T, G·H] (the gradient of <see cref="XProj"/>).</summary>
    public TensorDesc GradXProj;

    /// <summary>
    /// Backward output (GRU only): gradient of h·W_hhᵀ + b_hh, [N, T, G·H]; it differs from <see cref="GradXProj"/> in
    /// the n block (scaled by r). RNN and LSTM use <see cref="GradXProj"/> for both.
    /// </summary>
    public TensorDesc GradHProj;

    /// <summary>Backward outputs: gradients of the initial states [N, H]; absent when not needed.</summary>
    public TensorDesc GradH0, GradC0;

    /// <summary>Backward outputs: gradients of the biases [G·H] (sums of the gate gradients over batch and steps); absent when not needed.</summary>
    public TensorDesc GradBih, GradBhh;
}
