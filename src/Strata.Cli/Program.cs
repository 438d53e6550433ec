// The `strata` command. Training, evaluation and prediction arrive with the workflow issue; until then it prints its help.
var help = """
strata: the Strata deep learning framework's command line.

Usage: strata <command> [options]

Commands available in this build:
  version     print the library version
  help        show this help
""";
if (args.Length == 1 && args[0] == "version")
{
    Console.WriteLine(typeof(Strata.Tensor).Assembly.GetName().Version);
    return 0;
}
if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    Console.WriteLine(help);
    return 0;
}
Console.Error.WriteLine($"strata: unknown command '{args[0]}'.\n");
Console.Error.WriteLine(help);
return 2;
