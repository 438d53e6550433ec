namespace Strata.Data.Readers;

/// <summary>
/// Zalando's Fashion-MNIST (28×28 grey clothing images in 10 classes), in MNIST's file layout. A class-balanced
/// 12,000-image sample ships in the repository's <c>data/fashion-mnist/</c> folder.
/// </summary>
public static class FashionMnist
{
    /// <summary>The ten class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>
    /// Reads the training and test sets from <paramref name="directory"/> (files named as MNIST's, plain or .gz):
    /// images float32 [N, 1, 28, 28] in [0, 1], labels int64 [N], and <see cref="ClassNames"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the expected names and the folder.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, a label is not 0–9, or image and label counts differ.</exception>
    public static TrainTestDatasets Load(string directory) => Mnist.Load(directory, "Fashion-MNIST", ClassNames);
}
