using Strata.NN;
using TorchSharp;
using Xunit;
using static Strata.TorchParity.Bridge;

namespace Strata.TorchParity;

/// <summary>
/// SimpleRNN, LSTM and GRU against libtorch's RNN, LSTM and GRU with the same weights: outputs, final states and the
/// gradients of the input, the initial states and every weight, for a random upstream gradient.
/// </summary>
public class RecurrentParityTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var kind in new[] { "rnn", "lstm", "gru" })
        {
            // The bench's lstm/step shape, float32.
            yield return new object[] { kind, 64, 128, 50, 32, 1, false, false, "float32" };
            // Stacked, bidirectional, initial states.
            yield return new object[] { kind, 16, 32, 20, 8, 2, true, true, "float32" };
            yield return new object[] { kind, 16, 32, 20, 8, 2, true, true, "float64" };
        }
    }

    private static RecurrentLayer Strata(string kind, int input, int hidden, int layers, bool bidir, DType dtype) => kind switch
    {
        "rnn" => new SimpleRNN(hidden, input, layers, bidir, returnSequences: true, generator: new Generator(7), dtype: dtype),
        "lstm" => new LSTM(hidden, input, layers, bidir, returnSequences: true, generator: new Generator(7), dtype: dtype),
        _ => new GRU(hidden, input, layers, bidir, returnSequences: true, generator: new Generator(7), dtype: dtype),
    };

    private static torch.nn.Module Torch(string kind, int input, int hidden, int layers, bool bidir, torch.ScalarType dtype) => kind switch
    {
        "rnn" => torch.nn.RNN(input, hidden, layers, batchFirst: true, bidirectional: bidir, dtype: dtype),
        "lstm" => torch.nn.LSTM(input, hidden, layers, batchFirst: true, bidirectional: bidir, dtype: dtype),
        _ => torch.nn.GRU(input, hidden, layers, batchFirst: true, bidirectional: bidir, dtype: dtype),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchLibtorch(string kind, int input, int hidden, int steps, int batch, int layers, bool bidir, bool initialStates, string dtypeName)
    {
        var dtype = dtypeName == "float64" ? DType.Float64 : DType.Float32;
        var tdtype = dtype == DType.Float64 ? torch.float64 : torch.float32;
        using var scope = Tensor.Scope();
        using var torchScope = torch.NewDisposeScope();
        int dirs = bidir ? 2 : 1;
        var g = new Generator(11);
        var x = Tensor.Randn(new[] { batch, steps, input }, g, dtype);
        var h0 = initialStates ? Tensor.Randn(new[] { layers * dirs, batch, hidden }, g, dtype) : null;
        var c0 = initialStates && kind == "lstm" ? Tensor.Randn(new[] { layers * dirs, batch, hidden }, g, dtype) : null;
        var gOut = Tensor.Randn(new[] { batch, steps, dirs * hidden }, g, dtype);
        var gH = Tensor.Randn(new[] { layers * dirs, batch, hidden }, g, dtype);
        var gC = Tensor.Randn(new[] { layers * dirs, batch, hidden }, g, dtype);

        var layer = Strata(kind, input, hidden, layers, bidir, dtype);
        var tm = Torch(kind, input, hidden, layers, bidir, tdtype);
        CopyWeights(layer, tm);

        foreach (var t in new[] { x, h0, c0 }) if (t is not null) t.RequiresGrad = true;
        var r = layer.Run(x, h0, c0);
        var loss = (r.Output * gOut).Sum() + (r.Hidden * gH).Sum();
        if (r.Cell is not null) loss = loss + (r.Cell * gC).Sum();
        loss.Backward();

        var tx = ToTorch(x, true);
        var th0 = h0 is null ? null : ToTorch(h0, true);
        var tc0 = c0 is null ? null : ToTorch(c0, true);
        torch.Tensor tOut, tH;
        torch.Tensor? tC = null;
        switch (tm)
        {
            case TorchSharp.Modules.LSTM lstm:
                (tOut, tH, tC) = lstm.call(tx, th0 is null ? null : (th0, tc0!));
                break;
            case TorchSharp.Modules.GRU gru:
                (tOut, tH) = gru.call(tx, th0);
                break;
            default:
                (tOut, tH) = ((TorchSharp.Modules.RNN)tm).call(tx, th0);
                break;
        }
        var tLoss = (tOut * ToTorch(gOut)).sum() + (tH * ToTorch(gH)).sum();
        if (tC is not null) tLoss = tLoss + (tC * ToTorch(gC)).sum();
        tLoss.backward();

        AssertClose("output", Values(tOut), Values(r.Output));
        AssertClose("h_n", Values(tH), Values(r.Hidden));
        if (tC is not null) AssertClose("c_n", Values(tC), Values(r.Cell!));
        AssertClose("grad x", Values(tx.grad!), Values(x.Grad!));
        if (th0 is not null) AssertClose("grad h0", Values(th0.grad!), Values(h0!.Grad!));
        if (tc0 is not null) AssertClose("grad c0", Values(tc0.grad!), Values(c0!.Grad!));
        var mine = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, p) in tm.named_parameters())
            AssertClose($"grad {name}", Values(p.grad!), Values(mine[name].Grad!));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void VariableLengthsMatchPackedSequences(string kind)
    {
        using var scope = Tensor.Scope();
        using var torchScope = torch.NewDisposeScope();
        const int batch = 5, steps = 12, input = 8, hidden = 16;
        var lengths = new long[] { 12, 3, 7, 1, 9 };
        var g = new Generator(5);
        var x = Tensor.Randn(new[] { batch, steps, input }, g);
        var gOut = Tensor.Randn(new[] { batch, steps, 2 * hidden }, g);
        var gH = Tensor.Randn(new[] { 2, batch, hidden }, g);
        var layer = Strata(kind, input, hidden, 1, true, DType.Float32);
        var tm = Torch(kind, input, hidden, 1, true, torch.float32);
        CopyWeights(layer, tm);

        x.RequiresGrad = true;
        var r = layer.Run(x, lengths: Tensor.FromArray(lengths, batch));
        ((r.Output * gOut).Sum() + (r.Hidden * gH).Sum()).Backward();

        var tx = ToTorch(x, true);
        var packed = torch.nn.utils.rnn.pack_padded_sequence(tx, torch.tensor(lengths), batch_first: true, enforce_sorted: false);
        torch.Tensor tH;
        torch.nn.utils.rnn.PackedSequence tPacked;
        switch (tm)
        {
            case TorchSharp.Modules.LSTM lstm: (tPacked, tH, _) = lstm.call(packed); break;
            case TorchSharp.Modules.GRU gru: (tPacked, tH) = gru.call(packed); break;
            default: (tPacked, tH) = ((TorchSharp.Modules.RNN)tm).call(packed); break;
        }
        var (tOut, _) = torch.nn.utils.rnn.pad_packed_sequence(tPacked, batch_first: true, total_length: steps);
        ((tOut * ToTorch(gOut)).sum() + (tH * ToTorch(gH)).sum()).backward();

        AssertClose("output", Values(tOut), Values(r.Output));
        AssertClose("h_n", Values(tH), Values(r.Hidden));
        AssertClose("grad x", Values(tx.grad!), Values(x.Grad!));
        var mine = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, p) in tm.named_parameters())
            AssertClose($"grad {name}", Values(p.grad!), Values(mine[name].Grad!));
    }
}
