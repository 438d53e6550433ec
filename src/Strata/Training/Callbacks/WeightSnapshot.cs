using Strata.Autograd;

namespace Strata.Training.Callbacks;

/// <summary>A copy of a model's weights, kept outside every scope, that can be written back (EarlyStopping's best weights).</summary>
internal sealed class WeightSnapshot : IDisposable
{
    private readonly List<(Tensor Live, Tensor Copy)> _entries = new();

    public WeightSnapshot(Model model)
    {
        using var _ = GradMode.NoGrad();
        foreach (var (_, t) in model.StateDict())
        {
            var copy = t.Detach().Clone();
            TensorScope.Current?.Keep(copy);
            _entries.Add((t, copy));
        }
    }

    public void Restore()
    {
        using var _ = GradMode.NoGrad();
        foreach (var (live, copy) in _entries) live.CopyFrom(copy);
    }

    public void Dispose()
    {
        foreach (var (_, copy) in _entries) copy.Dispose();
        _entries.Clear();
    }
}
