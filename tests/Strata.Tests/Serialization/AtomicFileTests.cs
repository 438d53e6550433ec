using Strata.Serialization;
using Xunit;

namespace Strata.Tests.Serialization;

public class AtomicFileTests
{
    [Fact]
    public void WritesTheFileAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDir();
        var path = dir.File("a.bin");
        AtomicFile.Write(path, s => s.Write(new byte[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void WriterThatThrowsLeavesTheOldFileIntactAndRemovesTheTemporaryFile()
    {
        using var dir = new TempDir();
        var path = dir.File("weights.safetensors");
        File.WriteAllText(path, "old content");
        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, partial"u8);
            throw new InvalidOperationException("disk full (simulated)");
        }));
        Assert.Equal("disk full (simulated)", ex.Message);
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ReplacesAnExistingFile()
    {
        using var dir = new TempDir();
        var path = dir.File("model.json");
        File.WriteAllText(path, "a much longer old content that must not survive");
        AtomicFile.WriteAllText(path, "{\"é\": 1}");
        var bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]); // UTF-8 without a byte-order mark
        Assert.Equal("{\"é\": 1}", File.ReadAllText(path));
        AtomicFile.WriteAllBytes(path, new byte[] { 9 });
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void MissingFolderIsReportedByName()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "no-such-folder", "x.bin");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(path, new byte[] { 1 }));
        Assert.Contains("no-such-folder", ex.Message);
        Assert.Contains("AtomicFile", ex.Message);
    }
}
