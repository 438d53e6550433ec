namespace Strata.Cli;

/// <summary>Which failures are the user's (bad file, bad value) and get one line instead of a stack trace.</summary>
internal static class CliErrors
{
    public static bool IsUserError(Exception e) => e is CliException or IOException or InvalidDataException or FormatException
        or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException;

    public static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").Trim();
}
