using Strata.Training;

namespace Strata.Cli;

internal static class ModelFiles
{
    /// <summary>Loads a whole-model file, turning "no such file" into a one-line error that names it.</summary>
    public static Model Load(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: model file not found.");
        return Model.Load(path);
    }
}
