using Strata;
using Strata.Data.Readers;
using Xunit;

namespace Strata.Tests.Data;

public class Cifar10Tests
{
    /// <summary>Record r of a file: label (r + fileIndex) % 10, pixel k = (k + r) % 256.</summary>
    private static byte[] Records(int count, int fileIndex, int labelOverride = -1)
    {
        var bytes = new byte[count * 3073];
        for (int r = 0; r < count; r++)
        {
            bytes[r * 3073] = (byte)(labelOverride >= 0 ? labelOverride : (r + fileIndex) % 10);
            for (int k = 0; k < 3072; k++) bytes[r * 3073 + 1 + k] = (byte)((k + r) % 256);
        }
        return bytes;
    }

    private static void WriteAll(TempDir dir, int perFile = 2)
    {
        for (int f = 0; f < 6; f++) dir.Write(Cifar10.FileNames[f], Records(perFile, f));
    }

    [Fact]
    public void ParsesRecordsAsChannelMajorImages()
    {
        using var dir = new TempDir();
        WriteAll(dir);
        using var data = Cifar10.Load(dir.Path);
        Assert.Equal(new Shape(10, 3, 32, 32), data.Train.X.Shape);
        Assert.Equal(new Shape(2, 3, 32, 32), data.Test.X.Shape);
        Assert.Equal(new long[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 }, data.Train.Y.ToArray<long>());
        Assert.Equal(new long[] { 5, 6 }, data.Test.Y.ToArray<long>());
        // Pixel (c, y, x) of record r is byte 1 + c*1024 + y*32 + x of the record.
        using var sample = data.Train.X.Select(0, 3);
        var v = sample.ToArray<float>();
        foreach (var (c, y, x) in new[] { (0, 0, 0), (1, 5, 7), (2, 31, 31) })
            Assert.Equal(((c * 1024 + y * 32 + x + 1) % 256) / 255f, v[c * 1024 + y * 32 + x]);
        Assert.Equal("truck", data.ClassNames[9]);
    }

    [Fact]
    public void ClassNamesComeFromTheMetaFile()
    {
        using var dir = new TempDir();
        WriteAll(dir, 1);
        File.WriteAllText(dir.File("batches.meta.txt"), string.Join("\n", Enumerable.Range(0, 10).Select(i => $"c{i}")) + "\n\n");
        using (var data = Cifar10.Load(dir.Path)) Assert.Equal(Enumerable.Range(0, 10).Select(i => $"c{i}"), data.ClassNames);
        File.WriteAllText(dir.File("batches.meta.txt"), "a\nb\n");
        var ex = Assert.Throws<InvalidDataException>(() => Cifar10.Load(dir.Path));
        Assert.Contains("batches.meta.txt", ex.Message);
        Assert.Contains("found 2", ex.Message);
    }

    [Fact]
    public void FindsTheUnpackedArchiveFolder()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "cifar-10-batches-bin"));
        for (int f = 0; f < 6; f++) File.WriteAllBytes(Path.Combine(dir.Path, "cifar-10-batches-bin", Cifar10.FileNames[f]), Records(1, f));
        using var data = Cifar10.Load(dir.Path);
        Assert.Equal(5, data.Train.Count);
    }

    [Fact]
    public void MalformedFilesAreReported()
    {
        using var dir = new TempDir();
        WriteAll(dir);
        var path = dir.Write("data_batch_3.bin", Records(2, 2)[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => Cifar10.Load(dir.Path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("6136 bytes", ex.Message);
        Assert.Contains("3073", ex.Message);

        dir.Write("data_batch_3.bin", Records(2, 2, labelOverride: 10));
        ex = Assert.Throws<InvalidDataException>(() => Cifar10.Load(dir.Path));
        Assert.Contains("label 10", ex.Message);

        dir.Write("data_batch_3.bin", Array.Empty<byte>());
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => Cifar10.Load(dir.Path)).Message);

        File.Delete(dir.File("test_batch.bin"));
        var missing = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(dir.Path));
        Assert.Contains("test_batch.bin", missing.Message);
        Assert.Contains(dir.Path, missing.Message);
    }
}
