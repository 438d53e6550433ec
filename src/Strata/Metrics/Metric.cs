namespace Strata.Metrics;

/// <summary>
/// A streaming metric (Keras <c>keras.metrics.Metric</c>): <see cref="Update"/> accumulates batch statistics
/// without building a graph, <see cref="Result"/> reads the value over everything seen since <see cref="Reset"/>.
/// </summary>
public abstract class Metric
{
    /// <summary>Short snake_case name used in logs and history ("accuracy", "f1_macro").</summary>
    public abstract string Name { get; }

    /// <summary>Accumulates one batch. Runs without autograd; does not keep references to the tensors.</summary>
    public abstract void Update(Tensor yPred, Tensor yTrue);

    /// <summary>The metric over every batch since the last <see cref="Reset"/>.</summary>
    public abstract double Result();

    /// <summary>Forgets every batch seen so far.</summary>
    public abstract void Reset();

    /// <summary>
    /// A new metric for a Keras-style name ("accuracy", "top5", "f1_macro", "auc", "mse", ...); the same factory as
    /// <see cref="Metrics.Get"/>, reachable from code where <c>Metrics</c> names the namespace.
    /// </summary>
    public static Metric Get(string name) => Metrics.Get(name);

    public override string ToString() => $"{Name}={Result():G4}";
}
