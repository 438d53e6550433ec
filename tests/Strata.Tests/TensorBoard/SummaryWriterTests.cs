using System.Text.RegularExpressions;
using Strata.Tests.Serialization;
using Strata.Training.TensorBoard;
using Xunit;

namespace Strata.Tests.TensorBoard;

public class SummaryWriterTests
{
    // Event{wall_time=1.5, step=3, summary{value{tag="loss", simple_value=0.25}}}, encoded by hand:
    private static readonly byte[] ScalarEventBytes =
    {
        0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,   // field 1 (double): 1.5 = 0x3FF8000000000000 little-endian
        0x10, 0x03,                           // field 2 (varint): step 3
        0x2A, 0x0D,                           // field 5 (message), 13 bytes: Summary
        0x0A, 0x0B,                           //   field 1 (message), 11 bytes: Value
        0x0A, 0x04, (byte)'l', (byte)'o', (byte)'s', (byte)'s', //     field 1 (string): tag "loss"
        0x15, 0x00, 0x00, 0x80, 0x3E,         //     field 2 (float): 0.25 = 0x3E800000 little-endian
    };

    // TFRecord framing of those 26 bytes: uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data.
    // CRCs from an independent bitwise CRC-32C in Python: 0x2DD89B12 and 0x55B254D0.
    private static readonly byte[] ScalarRecordBytes = Convert.FromHexString(
        "1a00000000000000" + "129bd82d" + Convert.ToHexString(ScalarEventBytes) + "d054b255");

    /// <summary>The run stored as fixtures/serialization/strata_written.tfevents (read by tests/reference/read_tfevents.py).</summary>
    internal static void WriteSampleRun(SummaryWriter w)
    {
        for (int epoch = 0; epoch < 3; epoch++)
        {
            w.AddScalar("loss/train", 1.0 / (epoch + 1), epoch, wallTime: 1_700_000_000 + epoch);
            w.AddScalar("accuracy", 0.5 + 0.125 * epoch, epoch, wallTime: 1_700_000_000.25 + epoch);
        }
        w.AddScalar("lr", 1e-3, 1L << 40, wallTime: 1_700_000_100);
        w.AddScalar("negative_step", -2.5, -1, wallTime: 1_700_000_101);
    }

    [Fact]
    public void ScalarEventMatchesTheHandEncodedBytes()
    {
        Assert.Equal(ScalarEventBytes, EventEncoder.ScalarEvent(1.5, 3, "loss", 0.25f));
        using var ms = new MemoryStream();
        TfRecordWriter.Write(ms, ScalarEventBytes);
        Assert.Equal(ScalarRecordBytes, ms.ToArray());
    }

    [Fact]
    public void FileStartsWithTheVersionEventThenHoldsTheExactScalarRecord()
    {
        using var dir = new TempDir();
        string path;
        using (var w = new SummaryWriter(dir.Path))
        {
            w.AddScalar("loss", 0.25, 3, wallTime: 1.5);
            path = w.FilePath;
        }
        var records = TfEventReader.Records(File.ReadAllBytes(path));
        Assert.Equal(2, records.Count);
        // Event{wall_time, file_version="brain.Event:2"}: 0x09 + 8 bytes, 0x1A 0x0D + 13 bytes.
        Assert.Equal(24, records[0].Length);
        Assert.Equal(new byte[] { 0x1A, 0x0D }, records[0][9..11]);
        var first = TfEventReader.DecodeEvent(records[0]);
        Assert.Equal("brain.Event:2", first.FileVersion);
        Assert.InRange(first.WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(ScalarEventBytes, records[1]);
        Assert.Equal(ScalarRecordBytes, File.ReadAllBytes(path)[(12 + 24 + 4)..]);
    }

    [Fact]
    public void StepZeroIsOmittedAndNegativeStepsTakeTenBytes()
    {
        var zero = EventEncoder.ScalarEvent(1.5, 0, "a", 1f);
        Assert.DoesNotContain((byte)0x10, zero[9..11]);
        Assert.Equal(0, TfEventReader.DecodeEvent(zero).Step);
        var negative = EventEncoder.ScalarEvent(1.5, -1, "a", 1f);
        Assert.Equal(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, negative[9..20]);
        Assert.Equal(-1, TfEventReader.DecodeEvent(negative).Step);
    }

    [Fact]
    public void RoundTripThroughAnIndependentReader()
    {
        using var dir = new TempDir();
        string path;
        using (var w = new SummaryWriter(dir.Path))
        {
            WriteSampleRun(w);
            w.AddScalars("loss", new Dictionary<string, double> { ["train"] = 0.75, ["val"] = 0.5 }, 7, wallTime: 10);
            path = w.FilePath;
        }
        AssertSampleRun(TfEventReader.Read(path));

        foreach (var (run, value) in new[] { ("loss_train", 0.75f), ("loss_val", 0.5f) })
        {
            var file = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, run)));
            var events = TfEventReader.Read(file);
            Assert.Equal("brain.Event:2", events[0].FileVersion);
            Assert.Equal(new TfEventReader.Scalar("loss", value), Assert.Single(events[1].Scalars));
            Assert.Equal(7, events[1].Step);
            Assert.Equal(10, events[1].WallTime);
        }
    }

    internal static void AssertSampleRun(List<TfEventReader.Event> events)
    {
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Empty(events[0].Scalars);
        var scalars = events.Skip(1).Select(e => (e.WallTime, e.Step, Assert.Single(e.Scalars))).ToList();
        Assert.Equal(8, scalars.Count);
        Assert.Equal((1_700_000_000.0, 0L, new TfEventReader.Scalar("loss/train", 1f)), scalars[0]);
        Assert.Equal((1_700_000_000.25, 0L, new TfEventReader.Scalar("accuracy", 0.5f)), scalars[1]);
        Assert.Equal((1_700_000_002.0, 2L, new TfEventReader.Scalar("loss/train", (float)(1.0 / 3))), scalars[4]);
        Assert.Equal((1_700_000_002.25, 2L, new TfEventReader.Scalar("accuracy", 0.75f)), scalars[5]);
        Assert.Equal((1_700_000_100.0, 1L << 40, new TfEventReader.Scalar("lr", 1e-3f)), scalars[6]);
        Assert.Equal((1_700_000_101.0, -1L, new TfEventReader.Scalar("negative_step", -2.5f)), scalars[7]);
    }

    [Fact]
    public void TheCommittedSampleRunReadsBack() =>
        AssertSampleRun(TfEventReader.Read(TempDir.Fixture("strata_written.tfevents")));

    [Fact]
    public void FileNameFollowsTheTensorBoardPatternAndWritersDoNotCollide()
    {
        using var dir = new TempDir();
        using var a = new SummaryWriter(dir.Path);
        using var b = new SummaryWriter(dir.Path);
        Assert.Matches(new Regex(@"^events\.out\.tfevents\.\d{10}\..+\.strata$"), Path.GetFileName(a.FilePath));
        Assert.NotEqual(a.FilePath, b.FilePath);
        Assert.Contains("tfevents", Path.GetFileName(b.FilePath));
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void EventsReachTheFileOnFlushOrWhenTheQueueIsFull()
    {
        using var dir = new TempDir();
        using var w = new SummaryWriter(Path.Combine(dir.Path, "run1"), maxQueue: 3, flushSeconds: 3600);
        w.AddScalar("x", 1, 1);
        w.AddScalar("x", 2, 2);
        Assert.Single(TfEventReader.Read(w.FilePath)); // only the version event so far
        w.AddScalar("x", 3, 3);
        Assert.Equal(4, TfEventReader.Read(w.FilePath).Count);
        w.AddScalar("x", 4, 4);
        w.Flush();
        Assert.Equal(5, TfEventReader.Read(w.FilePath).Count);
    }

    [Fact]
    public void BadUseIsReported()
    {
        using var dir = new TempDir();
        var w = new SummaryWriter(dir.Path);
        Assert.Throws<ArgumentException>(() => w.AddScalar("", 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SummaryWriter(dir.Path, maxQueue: 0));
        w.Dispose();
        w.Dispose();
        Assert.Throws<ObjectDisposedException>(() => w.AddScalar("x", 1, 0));
    }
}
