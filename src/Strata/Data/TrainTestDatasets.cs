namespace Strata.Data;

/// <summary>
/// The training and test parts of a dataset as published (e.g. MNIST's 60,000/10,000), with class names.
/// Owns both datasets: dispose it (or them) when done. Deconstructs as <c>var (train, test) = Mnist.Load(dir);</c>.
/// </summary>
public sealed class TrainTestDatasets : IDisposable
{
    public TrainTestDatasets(TensorDataset train, TensorDataset test, IReadOnlyList<string> classNames)
    {
        Train = train ?? throw new ArgumentNullException(nameof(train));
        Test = test ?? throw new ArgumentNullException(nameof(test));
        ClassNames = classNames ?? throw new ArgumentNullException(nameof(classNames));
    }

    public TensorDataset Train { get; }
    public TensorDataset Test { get; }

    /// <summary>Name of each class index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public void Deconstruct(out TensorDataset train, out TensorDataset test)
    {
        train = Train;
        test = Test;
    }

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
