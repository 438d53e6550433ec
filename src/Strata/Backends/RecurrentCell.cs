namespace Strata.Backends;

/// <summary>The cell a whole-sequence recurrent kernel runs (PyTorch's equations and gate orders).</summary>
public enum RecurrentCell
{
    /// <summary>Elman cell h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh); one gate.</summary>
    RnnTanh,

    /// <summary>Elman cell with relu instead of tanh; one gate.</summary>
    RnnRelu,

    /// <summary>LSTM, gates i, f, g, o: c' = f⊙c + i⊙g, h' = o⊙tanh(c').</summary>
    Lstm,

    /// <summary>GRU, gates r, z, n: n = tanh(x_n + r⊙(h·W_hnᵀ + b_hn)), h' = (1 − z)⊙n + z⊙h.</summary>
    Gru,
}

/// <summary>Facts about each <see cref="RecurrentCell"/>.</summary>
public static class RecurrentCellInfo
{
    /// <summary>Gate blocks per unit in the weight matrices: 1 (RNN), 4 (LSTM), 3 (GRU).</summary>
    public static int Gates(this RecurrentCell cell) => cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.Gru => 3,
        _ => 1,
    };

    /// <summary>The op name used in error messages and <see cref="Tensor.GradFnName"/>.</summary>
    public static string OpName(this RecurrentCell cell) => cell switch
    {
        RecurrentCell.RnnTanh => "rnn_tanh",
        RecurrentCell.RnnRelu => "rnn_relu",
        RecurrentCell.Lstm => "lstm",
        _ => "gru",
    };
}
