using Strata.NN;
using Strata.Training;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>Keras-style masks: produced by Embedding(maskZero) and Masking, carried by Sequential and graph models, honoured downstream.</summary>
public class MaskingTests
{
    // Three sequences of real tokens 1..9, right-padded with 0 to length 5.
    private static readonly long[][] Tokens = { new long[] { 3, 1, 4, 1, 5 }, new long[] { 9, 2, 6, 0, 0 }, new long[] { 5, 0, 0, 0, 0 } };

    private static Tensor Padded() => Tensor.FromArray(Tokens.SelectMany(t => t).ToArray(), 3, 5);

    private static Tensor Row(int i) => Tensor.FromArray(Tokens[i].Where(v => v != 0).ToArray(), 1, Tokens[i].Count(v => v != 0));

    [Fact]
    public void EmbeddingMaskZeroEmitsTheNonZeroMask()
    {
        using var scope = Tensor.Scope();
        var emb = new Embedding(10, 4, maskZero: true, generator: new Generator(1));
        var x = Padded();
        var mask = emb.ComputeMask(x, null)!;
        Assert.Equal(DType.Bool, mask.DType);
        Assert.Equal(Tokens.SelectMany(t => t).Select(v => v != 0), mask.ToArray<bool>());
        Assert.Null(new Embedding(10, 4).ComputeMask(x, null));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void SequentialRecurrentOnPaddedBatchMatchesEachSequenceAlone(string kind)
    {
        using var scope = Tensor.Scope();
        Module Rnn(bool seq) => kind switch
        {
            "lstm" => new LSTM(6, inputSize: 4, bidirectional: true, returnSequences: seq, generator: new Generator(2)),
            "gru" => new GRU(6, inputSize: 4, bidirectional: true, returnSequences: seq, generator: new Generator(2)),
            _ => new SimpleRNN(6, inputSize: 4, bidirectional: true, returnSequences: seq, generator: new Generator(2)),
        };
        var emb = new Embedding(10, 4, maskZero: true, generator: new Generator(1));
        var model = new Sequential(emb, Rnn(false));
        var batch = model.Invoke(Padded());
        for (int i = 0; i < 3; i++)
        {
            var alone = model.Invoke(Row(i));
            TestUtil.AssertClose(alone.To(DType.Float64).ToArray<double>(), batch.Narrow(0, i, 1).To(DType.Float64).ToArray<double>(), 1e-5, 1e-6);
        }
        // Without maskZero the padding steps would be run, and the short rows would differ.
        var unmasked = new Sequential(new Embedding(10, 4, generator: new Generator(1)), Rnn(false)).Invoke(Padded());
        Assert.NotEqual(unmasked.Narrow(0, 2, 1).ToArray<float>(), batch.Narrow(0, 2, 1).ToArray<float>());
    }

    [Fact]
    public void LeftPaddingSkipsTheLeadingSteps()
    {
        using var scope = Tensor.Scope();
        var lstm = new LSTM(5, inputSize: 3, generator: new Generator(4));
        var x = Tensor.Randn(new[] { 1, 6, 3 }, new Generator(5));
        var mask = Tensor.FromArray(new[] { false, false, true, true, true, true }, 1, 6);
        var masked = lstm.Invoke(x, mask);
        var tail = lstm.Invoke(x.Narrow(1, 2, 4).Contiguous());
        TestUtil.AssertClose(tail.To(DType.Float64).ToArray<double>(), masked.To(DType.Float64).ToArray<double>(), 1e-5, 1e-6);
        var seq = new LSTM(5, inputSize: 3, returnSequences: true, generator: new Generator(4)).Run(x, mask: mask).Output;
        Assert.All(seq.Narrow(1, 0, 2).ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReturnSequencesPassesTheMaskOnAndLastStateDropsIt()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Randn(new[] { 2, 4, 3 }, new Generator(6));
        var mask = Tensor.FromArray(new[] { true, true, false, false, true, true, true, false }, 2, 4);
        Assert.Same(mask, new GRU(2, returnSequences: true).ComputeMask(x, mask));
        Assert.Null(new GRU(2).ComputeMask(x, mask));
        Assert.Same(mask, new Dense(3).ComputeMask(x, mask));
        Assert.Null(new Flatten().ComputeMask(x, mask));
    }

    [Fact]
    public void AttentionIgnoresMaskedKeys()
    {
        using var scope = Tensor.Scope();
        var emb = new Embedding(10, 8, maskZero: true, generator: new Generator(7));
        var enc = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0, generator: new Generator(8));
        var model = new Sequential(emb, enc, new GlobalAveragePooling1D());
        model.Eval();
        var batch = model.Invoke(Padded());
        for (int i = 0; i < 3; i++)
            TestUtil.AssertClose(model.Invoke(Row(i)).To(DType.Float64).ToArray<double>(), batch.Narrow(0, i, 1).To(DType.Float64).ToArray<double>(), 1e-5, 1e-6);

        var mha = new MultiHeadAttention(8, 2, generator: new Generator(9));
        var e = emb.Invoke(Padded());
        var mask = emb.ComputeMask(Padded(), null)!;
        Assert.Equal(mha.Attend(e, e, e, keyPaddingMask: mask.LogicalNot()).ToArray<float>(), mha.Invoke(e, mask).ToArray<float>());
    }

    [Fact]
    public void GraphModelsCarryMasksAlongEdges()
    {
        using var scope = Tensor.Scope();
        var input = Input.Create(new[] { -1 }, DType.Int64);
        var h = new Embedding(10, 4, maskZero: true, generator: new Generator(1)).Call(input);
        var a = new LSTM(3, returnSequences: true, generator: new Generator(2)).Call(h);
        var b = new GRU(3, returnSequences: true, generator: new Generator(3)).Call(h);
        var pooled = new GlobalAveragePooling1D().Call(new Concatenate(-1).Call(a, b));
        var model = new Model(input, new Dense(2, generator: new Generator(4)).Call(pooled));
        var batch = model.Invoke(Padded());
        for (int i = 0; i < 3; i++)
            TestUtil.AssertClose(model.Invoke(Row(i)).To(DType.Float64).ToArray<double>(), batch.Narrow(0, i, 1).To(DType.Float64).ToArray<double>(), 1e-5, 1e-6);
    }

    [Fact]
    public void GlobalPooling1DWithMaskUsesRealStepsOnly()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new double[] { 1, 10, 2, 20, 9, 90, /* row 2 */ 4, 40, -1, -10, 7, 70 }, 2, 3, 2);
        var mask = Tensor.FromArray(new[] { true, true, false, true, false, false }, 2, 3);
        Assert.Equal(new double[] { 1.5, 15, 4, 40 }, new GlobalAveragePooling1D().Invoke(x, mask).ToArray<double>());
        Assert.Equal(new double[] { 2, 20, 4, 40 }, new GlobalMaxPooling1D().Invoke(x, mask).ToArray<double>());
        Assert.Equal(new double[] { 4, 40, 10.0 / 3, 100.0 / 3 }, new GlobalAveragePooling1D().Invoke(x).ToArray<double>());
        Assert.Equal(new double[] { 9, 90, 7, 70 }, new GlobalMaxPooling1D().Invoke(x).ToArray<double>());
        // channels_first: [N, features, steps].
        var cf = x.Transpose(1, 2).Contiguous();
        Assert.Equal(new double[] { 1.5, 15, 4, 40 }, new GlobalAveragePooling1D("channels_first").Invoke(cf, mask).ToArray<double>());
        Assert.Equal(new[] { 2, 1, 2 }, new GlobalMaxPooling1D(keepDims: true).Invoke(x).Shape.ToArray());
        // A row with no real step pools to zeros.
        var none = Tensor.FromArray(new[] { false, false, false, true, true, true }, 2, 3);
        Assert.Equal(new double[] { 0, 0 }, new GlobalMaxPooling1D().Invoke(x, none).Narrow(0, 0, 1).ToArray<double>());
        Assert.Equal(new double[] { 0, 0 }, new GlobalAveragePooling1D().Invoke(x, none).Narrow(0, 0, 1).ToArray<double>());
    }

    [Fact]
    public void GlobalPooling1DGradCheckWithMask()
    {
        using var scope = Tensor.Scope();
        var x = TestUtil.Leaf(11, 2, 4, 3);
        var mask = Tensor.FromArray(new[] { true, false, true, true, false, true, false, false }, 2, 4);
        TestUtil.AssertGrad(i => new GlobalAveragePooling1D().Invoke(i[0], mask).Square().Sum(), x);
        TestUtil.AssertGrad(i => new GlobalMaxPooling1D().Invoke(i[0], mask).Square().Sum(), x);
    }

    [Fact]
    public void MaskingLayerMasksAllEqualSteps()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new double[] { 1, 2, 0, 0, 3, 0, /* row 2 */ 0, 0, 5, 5, -1, -1 }, 2, 3, 2);
        var layer = new Masking();
        var mask = layer.ComputeMask(x, null)!;
        Assert.Equal(new[] { true, false, true, false, true, true }, mask.ToArray<bool>());
        var y = new Masking(5).Invoke(x);
        Assert.Equal(new double[] { 1, 2, 0, 0, 3, 0, 0, 0, 0, 0, -1, -1 }, y.ToArray<double>());
        var e = Assert.Throws<ArgumentException>(() => layer.Invoke(Tensor.Zeros(2, 3)));
        Assert.Contains("Masking", e.Message);
    }

    [Fact]
    public void BadMasksNameTheLayer()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Randn(new[] { 2, 4, 8 }, new Generator(1));
        var wrongShape = Tensor.FromArray(new[] { true, true, true }, 1, 3);
        Assert.Contains("MultiHeadAttention", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(8, 2).Invoke(x, wrongShape)).Message);
        Assert.Contains("GlobalAveragePooling1D", Assert.Throws<ArgumentException>(() => new GlobalAveragePooling1D().Invoke(x, wrongShape)).Message);
        var notBool = Tensor.Ones(2, 4);
        Assert.Contains("LSTM", Assert.Throws<ArgumentException>(() => new LSTM(3).Invoke(x, notBool)).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new LSTM(3).Run(x, lengths: Tensor.FromArray(new long[] { 1, 2 }, 2), mask: notBool.Gt(0))).Message);
    }
}
