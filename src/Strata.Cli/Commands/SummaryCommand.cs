using System.CommandLine;
using Strata.Training;

namespace Strata.Cli.Commands;

/// <summary>`strata summary`: prints a saved model's layers, output shapes and parameter counts.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var model = CommonOptions.RequiredPath("--model", "a model file written by `strata train` or Model.Save", "PATH");
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts.") { model };
        command.SetAction(r =>
        {
            var m = ModelFiles.Load(r.GetValue(model)!);
            Console.WriteLine(m.Summary());
            Console.WriteLine($"trained epochs: {m.Epoch}");
            if (m.Tokenizer is { } t) Console.WriteLine($"tokenizer: {t.GetType().Name} ({t.VocabSize} ids)");
            if (m.ClassNames is { } names) Console.WriteLine($"classes: {string.Join(", ", names)}");
            return 0;
        });
        return command;
    }
}
