using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Strata;
using Strata.Data;

namespace Strata.Tests.Data;

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "strata-data-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        var p = File(name);
        System.IO.File.WriteAllBytes(p, bytes);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class DataTestUtil
{
    /// <summary>An IDX file: magic, type code, rank, big-endian sizes, then the payload as given.</summary>
    public static byte[] Idx(byte type, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>The repository root (the folder holding Strata.slnx), found from the test binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Strata.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Strata.slnx not found above " + AppContext.BaseDirectory);
    }

    private static readonly Lazy<JsonDocument> ReferenceDoc = new(() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "data_reference.json"))));

    /// <summary>A section of reference/data_reference.json (written by tests/reference/make_data_reference.py).</summary>
    public static JsonElement Reference(string key) => ReferenceDoc.Value.RootElement.GetProperty(key);

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>n samples of <paramref name="features"/> float32 values: sample i is [i, i + 0.5, i + 1, …]; label i (int64) or the class given.</summary>
    public static TensorDataset Range(int n, int features = 2, Func<int, long>? label = null)
    {
        var x = new float[n * features];
        for (int i = 0; i < n; i++)
            for (int f = 0; f < features; f++) x[i * features + f] = i + 0.5f * f;
        var y = Enumerable.Range(0, n).Select(i => label?.Invoke(i) ?? i).ToArray();
        using var xs = Tensor.FromArray(x, n, features);
        using var ys = Tensor.FromArray(y);
        return new TensorDataset(xs, ys);
    }

    /// <summary>Label of every sample in each batch, batch by batch, disposing the batches.</summary>
    public static List<long[]> Labels(IEnumerable<Batch> loader)
    {
        var result = new List<long[]>();
        foreach (var b in loader)
            using (b) result.Add(b.Y.ToArray<long>());
        return result;
    }
}
