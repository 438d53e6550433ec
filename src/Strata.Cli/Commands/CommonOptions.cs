using System.CommandLine;
using System.Globalization;

namespace Strata.Cli.Commands;

/// <summary>Options shared by several commands, with their validation (a bad value is a usage error, exit code 2).</summary>
internal static class CommonOptions
{
    public static Option<string?> Data(string description) => new("--data") { Description = description, HelpName = "DIR" };

    public static Option<int> BatchSize(int defaultValue) => Positive(new Option<int>("--batch-size")
    {
        Description = "samples per batch", DefaultValueFactory = _ => defaultValue,
    });

    public static Option<T> Positive<T>(Option<T> option) where T : System.Numerics.INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (TryGetValue<T>(r, out var v) && v <= T.Zero) r.AddError($"{option.Name} must be positive, got {v}.");
        });
        return option;
    }

    /// <summary>The option's value; false when it did not convert (the parser already reports that error).</summary>
    public static bool TryGetValue<T>(System.CommandLine.Parsing.OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    public static Option<string> RequiredPath(string name, string description, string helpName) =>
        new(name) { Description = description, Required = true, HelpName = helpName };

    /// <summary>A fraction option: in [0, 1) with <paramref name="allowZero"/>, else in (0, 1).</summary>
    public static Option<double> Fraction(Option<double> option, bool allowZero)
    {
        option.Validators.Add(r =>
        {
            if (TryGetValue<double>(r, out var v) && (v >= 1 || v < 0 || (v == 0 && !allowZero)))
                r.AddError($"{option.Name} must be in {(allowZero ? "[0, 1)" : "(0, 1)")}, got {v.ToString(CultureInfo.InvariantCulture)}.");
        });
        return option;
    }
}
