using Strata.NN;

namespace Strata.Optim;

/// <summary>Creates optimizers from Keras-style names ("adam", "sgd", ...), for <c>Compile("adam", ...)</c> and the command line.</summary>
public static class Optimizers
{
    /// <summary>The names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "sgd", "adam", "adamw", "rmsprop", "adagrad" };

    /// <summary>
    /// An optimizer over <paramref name="parameters"/> with the library defaults (Keras defaults for the learning
    /// rate: 0.01 for SGD, 0.001 for Adam, AdamW and RMSprop, 0.001 for Adagrad) unless <paramref name="learningRate"/> is given.
    /// </summary>
    public static Optimizer Get(string name, IEnumerable<Parameter> parameters, double? learningRate = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "sgd" => new SGD(parameters, learningRate ?? 0.01),
            "adam" => new Adam(parameters, learningRate ?? 1e-3),
            "adamw" => new AdamW(parameters, learningRate ?? 1e-3),
            "rmsprop" => new RMSprop(parameters, learningRate ?? 1e-3),
            "adagrad" => new Adagrad(parameters, learningRate ?? 1e-3),
            _ => throw new ArgumentException($"Optimizers.Get: unknown optimizer '{name}'; known: {string.Join(", ", Names)}."),
        };
    }
}
