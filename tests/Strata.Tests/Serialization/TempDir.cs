namespace Strata.Tests.Serialization;

/// <summary>A fresh folder under the system temp folder, deleted on dispose (kept when STRATA_TEST_KEEP_TEMP=1, to inspect or copy outputs).</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "strata-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A committed fixture copied next to the test assembly (tests/Strata.Tests/fixtures/serialization).</summary>
    public static string Fixture(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "serialization", name);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("STRATA_TEST_KEEP_TEMP") == "1") return;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
