namespace Strata.Serialization;

/// <summary>
/// What a non-strict <see cref="ModelWeights.Load(NN.Module, string, bool)"/> left out (PyTorch's
/// <c>_IncompatibleKeys</c>): module tensors absent from the weights, and weights the module has no place for.
/// Both are empty after a strict load.
/// </summary>
public sealed record WeightsLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
