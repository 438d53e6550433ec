using System.Buffers.Binary;
using Strata;
using Strata.Data.Readers;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;

namespace Strata.Tests.Data;

public class IdxTests
{
    private static readonly byte[] Pixels = { 0, 51, 102, 255, 1, 2, 3, 4, 10, 20, 30, 40 };

    [Fact]
    public void ReadsPlainAndGzipUnsignedBytes()
    {
        using var dir = new TempDir();
        var bytes = Idx(0x08, new[] { 3, 2, 2 }, Pixels);
        foreach (var path in new[] { dir.Write("plain.idx", bytes), dir.Write("packed.idx", Gzip(bytes)), dir.Write("misnamed.gz", bytes) })
        {
            using var t = Strata.Data.Readers.Idx.Read(path);
            Assert.Equal(DType.Float32, t.DType);
            Assert.Equal(new Shape(3, 2, 2), t.Shape);
            Assert.Equal(Pixels.Select(b => (float)b), t.ToArray<float>());
        }
        using var labels = Strata.Data.Readers.Idx.Read(dir.Write("labels", Gzip(Idx(0x08, new[] { 4 }, new byte[] { 9, 0, 3, 255 }))));
        Assert.Equal(DType.Int64, labels.DType);
        Assert.Equal(new long[] { 9, 0, 3, 255 }, labels.ToArray<long>());
        using var asDouble = Strata.Data.Readers.Idx.Read(dir.File("labels"), DType.Float64);
        Assert.Equal(new[] { 9.0, 0, 3, 255 }, asDouble.ToArray<double>());
    }

    [Fact]
    public void ReadsWiderTypesBigEndian()
    {
        using var dir = new TempDir();
        var ints = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(ints, -70000);
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(4), 123456789);
        using (var t = Strata.Data.Readers.Idx.Read(dir.Write("i", Idx(0x0C, new[] { 2 }, ints))))
            Assert.Equal(new long[] { -70000, 123456789 }, t.ToArray<long>());
        var shorts = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(shorts, -2);
        BinaryPrimitives.WriteInt16BigEndian(shorts.AsSpan(2), 300);
        using (var t = Strata.Data.Readers.Idx.Read(dir.Write("s", Idx(0x0B, new[] { 1, 2 }, shorts))))
            Assert.Equal(new float[] { -2, 300 }, t.ToArray<float>());
        using (var t = Strata.Data.Readers.Idx.Read(dir.Write("b", Idx(0x09, new[] { 2 }, new byte[] { 0xFF, 0x7F }))))
            Assert.Equal(new long[] { -1, 127 }, t.ToArray<long>());
        var floats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -0.25f);
        using (var t = Strata.Data.Readers.Idx.Read(dir.Write("f", Idx(0x0D, new[] { 2 }, floats))))
        {
            Assert.Equal(DType.Float32, t.DType);
            Assert.Equal(new[] { 1.5f, -0.25f }, t.ToArray<float>());
        }
        var doubles = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(doubles, Math.PI);
        using (var t = Strata.Data.Readers.Idx.Read(dir.Write("d", Idx(0x0E, new[] { 1 }, doubles))))
            Assert.Equal(new[] { Math.PI }, t.ToArray<double>());
        var ex = Assert.Throws<ArgumentException>(() => Strata.Data.Readers.Idx.Read(dir.File("f"), DType.Int64));
        Assert.Contains("float", ex.Message);
    }

    private static InvalidDataException Bad(string path)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Strata.Data.Readers.Idx.Read(path));
        Assert.Contains(path, ex.Message);
        return ex;
    }

    [Fact]
    public void MalformedFilesAreReportedWithTheFileName()
    {
        using var dir = new TempDir();
        var good = Idx(0x08, new[] { 3, 2, 2 }, Pixels);

        var truncated = Bad(dir.Write("truncated", good[..^5]));
        Assert.Contains("truncated", truncated.Message);
        Assert.Contains("expected 28 bytes", truncated.Message);
        Assert.Contains("has 23", truncated.Message);

        var gzTruncated = Bad(dir.Write("truncated.gz", Gzip(good[..^5])));
        Assert.Contains("truncated", gzTruncated.Message);

        var extra = Bad(dir.Write("extra", good.Concat(new byte[] { 7 }).ToArray()));
        Assert.Contains("has 29", extra.Message);

        var magic = good.ToArray();
        magic[0] = 0x50;
        Assert.Contains("bad magic", Bad(dir.Write("magic", magic)).Message);

        var code = good.ToArray();
        code[2] = 0x07;
        Assert.Contains("type code 0x07", Bad(dir.Write("code", code)).Message);

        var rank = good.ToArray();
        rank[3] = 0;
        Assert.Contains("0 dimensions", Bad(dir.Write("rank", rank)).Message);

        var huge = Idx(0x08, new[] { 1 << 30, 1 << 30 }, Array.Empty<byte>());
        Assert.Contains("corrupt header", Bad(dir.Write("huge", huge)).Message);

        // A gzip header followed by a deflate block of the reserved type 3.
        var garbage = new byte[] { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0x07, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11 };
        var bad = Bad(dir.Write("garbage.gz", garbage)).Message;
        Assert.True(bad.Contains("bad gzip data"), bad);
        var crc = Gzip(good);
        crc[^6] ^= 0xFF; // corrupt the stored CRC-32
        var crcMessage = Bad(dir.Write("crc.gz", crc)).Message;
        Assert.True(crcMessage.Contains("bad gzip data"), crcMessage);

        var cutGzip = Gzip(Idx(0x08, new[] { 200, 28, 28 }, Enumerable.Range(0, 200 * 784).Select(i => (byte)(i * 7919 % 251)).ToArray()));
        var cut = Bad(dir.Write("cut.gz", cutGzip[..(cutGzip.Length / 2)]));
        Assert.True(cut.Message.Contains("truncated") || cut.Message.Contains("gzip"), cut.Message);

        Assert.Contains("header", Bad(dir.Write("short", new byte[] { 0, 0 })).Message);
        Assert.Throws<FileNotFoundException>(() => Strata.Data.Readers.Idx.Read(dir.File("absent")));
    }

    private static void WriteMnist(TempDir dir, int trainN = 3, int testN = 2, bool gzip = true, byte[]? trainLabels = null)
    {
        byte[] Wrap(byte[] b) => gzip ? Gzip(b) : b;
        string ext = gzip ? ".gz" : "";
        var img = Enumerable.Range(0, 28 * 28 * trainN).Select(i => (byte)(i % 256)).ToArray();
        dir.Write("train-images-idx3-ubyte" + ext, Wrap(Idx(0x08, new[] { trainN, 28, 28 }, img)));
        dir.Write("train-labels-idx1-ubyte" + ext, Wrap(Idx(0x08, new[] { (trainLabels ?? new byte[trainN]).Length }, trainLabels ?? Enumerable.Range(0, trainN).Select(i => (byte)(i % 10)).ToArray())));
        dir.Write("t10k-images-idx3-ubyte" + ext, Wrap(Idx(0x08, new[] { testN, 28, 28 }, new byte[28 * 28 * testN])));
        dir.Write("t10k-labels-idx1-ubyte" + ext, Wrap(Idx(0x08, new[] { testN }, Enumerable.Repeat((byte)7, testN).ToArray())));
    }

    [Fact]
    public void MnistLoadScalesImagesAndChecksTheFiles()
    {
        foreach (bool gzip in new[] { true, false })
        {
            using var dir = new TempDir();
            WriteMnist(dir, gzip: gzip);
            using var data = Mnist.Load(dir.Path);
            var (train, test) = data;
            Assert.Equal(new Shape(3, 1, 28, 28), train.X.Shape);
            Assert.Equal(new Shape(2, 1, 28, 28), test.X.Shape);
            var x = train.X.ToArray<float>();
            for (int i = 0; i < x.Length; i++) Assert.Equal((i % 256) / 255f, x[i]);
            Assert.Equal(1f, x[255]);
            Assert.Equal(new long[] { 0, 1, 2 }, train.Y.ToArray<long>());
            Assert.Equal(new long[] { 7, 7 }, test.Y.ToArray<long>());
            Assert.Equal("3", data.ClassNames[3]);
        }
    }

    [Fact]
    public void MnistErrorsNameFilesAndFolder()
    {
        using (var dir = new TempDir())
        {
            WriteMnist(dir);
            File.Delete(dir.File("t10k-labels-idx1-ubyte.gz"));
            var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path));
            Assert.Contains("t10k-labels-idx1-ubyte", ex.Message);
            Assert.Contains("train-images-idx3-ubyte[.gz]", ex.Message);
            Assert.Contains(dir.Path, ex.Message);
            Assert.Contains("Fashion-MNIST", ex.Message);
        }
        using (var dir = new TempDir())
        {
            WriteMnist(dir, trainLabels: new byte[] { 1, 2 });
            var ex = Assert.Throws<InvalidDataException>(() => Mnist.Load(dir.Path));
            Assert.Contains("3 images", ex.Message);
            Assert.Contains("2 labels", ex.Message);
            Assert.Contains("train-labels-idx1-ubyte.gz", ex.Message);
        }
        using (var dir = new TempDir())
        {
            WriteMnist(dir, trainLabels: new byte[] { 1, 12, 3 });
            var ex = Assert.Throws<InvalidDataException>(() => Mnist.Load(dir.Path));
            Assert.Contains("label 12 at index 1", ex.Message);
            Assert.Contains("train-labels-idx1-ubyte.gz", ex.Message);
        }
        Assert.Throws<DirectoryNotFoundException>(() => Mnist.Load(Path.Combine(Path.GetTempPath(), "strata-no-such-folder")));
    }

    [Fact]
    public void BundledFashionMnistSampleIsBalanced()
    {
        using var data = FashionMnist.Load(Path.Combine(RepoRoot(), "data", "fashion-mnist"));
        var reference = Reference("fashion");
        foreach (var (split, ds) in new[] { ("train", data.Train), ("t10k", data.Test) })
        {
            var r = reference.GetProperty(split);
            int n = r.GetProperty("count").GetInt32();
            Assert.Equal(new Shape(n, 1, 28, 28), ds.X.Shape);
            var labels = ds.GetLabels();
            var counts = new int[10];
            foreach (var l in labels) counts[l]++;
            Assert.Equal(r.GetProperty("class_counts").EnumerateArray().Select(v => v.GetInt32()), counts);
            Assert.All(counts, c => Assert.Equal(n / 10, c));
            Assert.Equal(r.GetProperty("first_labels").EnumerateArray().Select(v => v.GetInt64()), labels.Take(20));
            var x = ds.X.ToArray<float>();
            Assert.Equal(r.GetProperty("mean_pixel").GetDouble(), x.Average(v => (double)v), 6);
            Assert.Equal(r.GetProperty("first_image_sum").GetDouble(), x.Take(784).Sum(v => (double)v), 3);
            Assert.InRange(x.Min(), 0f, 0f);
            Assert.InRange(x.Max(), 0.99f, 1f);
        }
        Assert.Equal("Ankle boot", data.ClassNames[9]);
    }
}
