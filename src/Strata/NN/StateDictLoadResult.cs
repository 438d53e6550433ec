namespace Strata.NN;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> skipped (PyTorch's <c>_IncompatibleKeys</c>); both lists are empty after a
/// strict load, which throws instead of skipping.
/// </summary>
/// <param name="MissingKeys">Entries of the module that the state did not contain (left unchanged).</param>
/// <param name="UnexpectedKeys">Entries of the state that the module does not have (ignored).</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
