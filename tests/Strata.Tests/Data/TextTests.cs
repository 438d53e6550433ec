using Strata.Data.Text;
using Xunit;

namespace Strata.Tests.Data;

public class TextTests
{
    [Fact]
    public void CharTokenizerOrdersByFrequencyAndRoundTrips()
    {
        var tok = CharTokenizer.Fit(new[] { "abba", "cab" });
        // counts: a 3, b 3, c 1 → a and b tie, ordinal order puts a first.
        Assert.Equal(new[] { "<pad>", "<unk>", "a", "b", "c" }, tok.Vocabulary);
        Assert.Equal(new[] { 4, 2, 3, 1 }, tok.Encode("cabz"));
        Assert.Equal("cab\uFFFD", tok.Decode(new[] { 4, 2, 3, 1, 0 }));
        var small = CharTokenizer.Fit(new[] { "abba", "cab" }, maxVocab: 3);
        Assert.Equal(new[] { 2, 1, 1 }, small.Encode("abc"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tok.Decode(new[] { 9 }));
    }

    [Fact]
    public void WordTokenizerSplitsPunctuationAndMapsRareWordsToUnknown()
    {
        var tok = WordTokenizer.Fit(new[] { "The cat sat.", "The dog sat, the cat ran!" }, maxVocab: 6);
        // counts: the 3, cat 2, sat 2, '.' 1, ',' 1, '!' 1, dog 1, ran 1 → keep the, cat, sat, then '!' (ordinal among ties).
        Assert.Equal(new[] { "<pad>", "<unk>", "the", "cat", "sat", "!" }, tok.Vocabulary);
        Assert.Equal(new[] { 2, 1, 4, 5 }, tok.Encode("THE dog sat!"));
        Assert.Equal("the <unk> sat !", tok.Decode(tok.Encode("the dog sat!")));
        Assert.Equal(new[] { "don't", "stop", "." }, tok.Split("Don't stop."));
    }

    [Fact]
    public void BpeLearnsTheClassicMergesAndEncodesUnseenWordsFromPieces()
    {
        // Sennrich et al.'s example corpus: low ×5, lower ×2, newest ×6, widest ×3.
        var corpus = Enumerable.Repeat("low", 5).Concat(Enumerable.Repeat("lower", 2))
            .Concat(Enumerable.Repeat("newest", 6)).Concat(Enumerable.Repeat("widest", 3));
        var tok = BpeTokenizer.Train(corpus, vocabSize: 30);
        // Pair counts: (e,s)=(s,t)=(t,</w>)=9 → (e,s) by ordinal order; then (es,t), (est,</w>); then (l,o)=(o,w)=7.
        Assert.Equal(new[] { ("e", "s"), ("es", "t"), ("est", "</w>"), ("l", "o"), ("lo", "w") }, tok.Merges.Take(5));
        Assert.Equal(new[] { "low", "est</w>" }, tok.Pieces("lowest"));
        Assert.Equal("lowest newest", tok.Decode(tok.Encode("lowest newest")));
        Assert.DoesNotContain(Tokenizer.UnknownId, tok.Encode("slow"));          // every character was seen
        Assert.Contains(Tokenizer.UnknownId, tok.Encode("xyz"));
        Assert.True(tok.VocabSize <= 30);
    }

    [Fact]
    public void TokenizersSaveAndLoad()
    {
        var dir = Directory.CreateTempSubdirectory("strata-tok");
        try
        {
            var texts = new[] { "the quick brown fox", "jumps over the lazy dog", "the end." };
            foreach (Tokenizer tok in new Tokenizer[] { CharTokenizer.Fit(texts), WordTokenizer.Fit(texts), BpeTokenizer.Train(texts, 40) })
            {
                var path = Path.Combine(dir.FullName, tok.GetType().Name + ".json");
                tok.Save(path);
                var back = Tokenizer.Load(path);
                Assert.IsType(tok.GetType(), back);
                Assert.Equal(tok.Encode("the lazy fox jumps."), back.Encode("the lazy fox jumps."));
                Assert.Equal(tok.VocabSize, back.VocabSize);
            }
            File.WriteAllText(Path.Combine(dir.FullName, "bad.json"), "{\"kind\":\"sentencepiece\",\"vocabulary\":[]}");
            var e = Assert.Throws<InvalidDataException>(() => Tokenizer.Load(Path.Combine(dir.FullName, "bad.json")));
            Assert.Contains("sentencepiece", e.Message);
            Assert.Contains("bad.json", e.Message);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void PadFollowsKerasPadSequences()
    {
        var seqs = new[] { new[] { 1, 2, 3 }, new[] { 4 }, new[] { 5, 6, 7, 8, 9 } };
        Assert.Equal(new long[] { 0, 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 8, 9 }, Sequences.Pad(seqs).ToArray<long>());
        // Keras: truncating "pre" drops the start of a long sequence, padding "post" fills the end.
        Assert.Equal(new long[] { 1, 2, 3, 0, 4, 0, 0, 0, 6, 7, 8, 9 },
            Sequences.Pad(seqs, maxLength: 4, padding: PadSide.Post, truncating: PadSide.Pre).ToArray<long>());
        var post = Sequences.Pad(seqs, maxLength: 4, padding: PadSide.Post, truncating: PadSide.Post);
        Assert.Equal(new[] { 3, 4 }, post.Shape.ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 0, 4, 0, 0, 0, 5, 6, 7, 8 }, post.ToArray<long>());
    }

    [Fact]
    public void BatchesByLengthCoverEveryIndexOnceAndGroupSimilarLengths()
    {
        var lengths = Enumerable.Range(0, 200).Select(i => (i * 37) % 50 + 1).ToArray();
        // One bucket of 20 batches: sorted by length, each batch spans about 50 / 20 lengths (random batches: about 40).
        var batches = Sequences.BatchesByLength(lengths, batchSize: 10, seed: 3, bucketSize: 20);
        Assert.Equal(Enumerable.Range(0, 200), batches.SelectMany(b => b).Order());
        double spread = batches.Average(b => b.Max(i => lengths[i]) - b.Min(i => lengths[i]));
        Assert.True(spread < 5, $"mean length spread within a batch {spread}");
        Assert.Equal(batches.Select(b => b.ToArray()), Sequences.BatchesByLength(lengths, 10, 3, 20));
        Assert.NotEqual(batches.Select(b => b.ToArray()), Sequences.BatchesByLength(lengths, 10, 4, 20));
    }
}
