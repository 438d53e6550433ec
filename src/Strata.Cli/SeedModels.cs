using Strata.NN;
using Strata.Serialization;
using Strata.Training;

namespace Strata.Cli;

/// <summary>The models `strata train --model` knows by name, and loading one from an architecture JSON file.</summary>
internal static class SeedModels
{
    /// <summary>The seed CNN of the brief: two conv/pool stages, a 128-unit hidden layer with dropout, softmax over 10 classes.</summary>
    public static Sequential Cnn(int classes) => new(
        new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
        new Conv2D(64, 3), new ReLU(), new MaxPool2D(2),
        new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5),
        new Dense(classes), new Softmax());

    /// <summary>The 784-128-10 multilayer perceptron.</summary>
    public static Sequential Mlp(int classes) => new(
        new Flatten(), new Dense(128), new ReLU(), new Dense(classes), new Softmax());

    public static Model Create(string spec, int classes)
    {
        switch (spec.ToLowerInvariant())
        {
            case "cnn": return Cnn(classes);
            case "mlp": return Mlp(classes);
        }
        if (!File.Exists(spec))
            throw new CliException($"--model '{spec}': not 'cnn', 'mlp' or an existing architecture JSON file.");
        string json = File.ReadAllText(spec);
        Module module;
        try { module = ModelJson.FromJson(json); }
        catch (FormatException e) { throw new CliException($"{spec}: not a valid Strata model JSON: {e.Message}"); }
        return module as Model ?? throw new CliException($"{spec}: the architecture is a {module.GetType().Name}, not a model.");
    }

    /// <summary>Whether the model ends in a softmax (so the loss takes probabilities) or emits logits.</summary>
    public static bool OutputsProbabilities(Module model)
    {
        Module last = model;
        while (last is Sequential s && s.Count > 0) last = s[s.Count - 1];
        return last is Softmax;
    }
}
