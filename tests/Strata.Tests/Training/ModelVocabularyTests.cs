using Strata.Data.Text;
using Strata.NN;
using Strata.Training;
using Xunit;

namespace Strata.Tests.Training;

/// <summary>A text model's tokenizer and class names are saved in, and restored from, the model file.</summary>
public class ModelVocabularyTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("strata-vocab");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void TokenizerAndClassNamesRoundTripThroughSave()
    {
        using var scope = Tensor.Scope();
        var corpus = new[] { "low lower lowest", "new newer newest", "wide wider widest", "lowest newest widest" };
        var bpe = BpeTokenizer.Train(corpus, 40);
        var model = new Sequential(new Embedding(40, 8, maskZero: true, generator: new Generator(1)), new GRU(4, generator: new Generator(2)), new Dense(2, generator: new Generator(3)));
        model.Build(new[] { 6 }, DType.Int64);
        model.Tokenizer = bpe;
        model.ClassNames = new[] { "comparative", "superlative" };
        var path = Path.Combine(_dir.FullName, "text.safetensors");
        model.Save(path);

        var loaded = Model.Load(path);
        Assert.Equal(new[] { "comparative", "superlative" }, loaded.ClassNames);
        var tok = Assert.IsType<BpeTokenizer>(loaded.Tokenizer);
        Assert.Equal(bpe.Vocabulary, tok.Vocabulary);
        Assert.Equal(bpe.Merges, tok.Merges);
        Assert.Equal(bpe.Encode("lower widest"), tok.Encode("lower widest"));
        var ids = Sequences.Pad(new[] { tok.Encode("newer lowest") }, 6, PadSide.Post, PadSide.Post);
        Assert.Equal(model.Predict(ids).ToArray<float>(), loaded.Predict(ids).ToArray<float>());

        // A model without them stays without them.
        var plain = new Sequential(new Dense(2, inputFeatures: 3));
        plain.Build(3);
        var plainPath = Path.Combine(_dir.FullName, "plain.safetensors");
        plain.Save(plainPath);
        var back = Model.Load(plainPath);
        Assert.Null(back.Tokenizer);
        Assert.Null(back.ClassNames);
    }
}
