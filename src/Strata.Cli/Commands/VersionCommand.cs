using System.CommandLine;

namespace Strata.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the library version.");
        command.SetAction(_ =>
        {
            Console.WriteLine(typeof(Tensor).Assembly.GetName().Version);
            return 0;
        });
        return command;
    }
}
