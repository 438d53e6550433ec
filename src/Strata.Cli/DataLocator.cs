namespace Strata.Cli;

/// <summary>Finds the bundled Fashion-MNIST sample: next to the executable (copied at build), else under ./data.</summary>
internal static class DataLocator
{
    public static string DefaultDataDirectory()
    {
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist"),
            Path.Combine(Directory.GetCurrentDirectory(), "data", "fashion-mnist"),
        };
        foreach (var c in candidates)
            if (Directory.Exists(c)) return c;
        throw new CliException($"the bundled Fashion-MNIST sample was not found (looked in {string.Join(" and ", candidates)}); pass --data DIR.");
    }
}
