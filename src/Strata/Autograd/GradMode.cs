namespace Strata.Autograd;

/// <summary>Whether ops record the graph on this thread. Disable it for inference and optimizer updates.</summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabled;

    public static bool IsEnabled => _disabled == 0;

    /// <summary><c>using (GradMode.NoGrad()) { ... }</c>: nothing inside is recorded, as PyTorch's <c>torch.no_grad()</c>.</summary>
    public static NoGradScope NoGrad()
    {
        _disabled++;
        return new NoGradScope();
    }

    /// <summary>Ends a <see cref="NoGrad"/> region.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        public void Dispose() => _disabled--;
    }
}
