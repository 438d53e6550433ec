namespace Strata.Cli;

/// <summary>A user-facing failure: printed as one line, exit code 1, no stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
