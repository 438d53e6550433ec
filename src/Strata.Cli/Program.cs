using System.CommandLine;
using Strata.Cli;
using Strata.Cli.Commands;

// The `strata` command: train, evaluate, predict and summarise models from the command line.
var root = new RootCommand("strata: train, evaluate and use Strata deep-learning models from the command line.")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    PredictCommand.Create(),
    SummaryCommand.Create(),
    VersionCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"strata: {error.Message}");
    Console.Error.WriteLine();
    Console.Error.WriteLine("Usage: strata <command> [options]   (commands: train, evaluate, predict, summary, version; add --help for details)");
    return 2;
}
try
{
    // Our handler below prints user errors as one line; the library's default would print a stack trace.
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (CliErrors.IsUserError(e))
{
    Console.Out.Flush();
    Console.Error.WriteLine($"strata: error: {CliErrors.OneLine(e)}");
    return 1;
}
