using Strata.NN;
using Strata.Training;
using Xunit;

namespace Strata.Tests.Training;

/// <summary>The README's snippets, compiled and run, so they stay true.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void FunctionalResidualSnippetBuildsAndTrainsWithKerasStrings()
    {
        using var scope = Tensor.Scope();
        var input = Input.Create(1, 28, 28);
        var x = new ReLU().Call(new Conv2D(16, 3, padding: 1).Call(input));
        var y = new Conv2D(16, 3, padding: 1).Call(new ReLU().Call(new Conv2D(16, 3, padding: 1).Call(x)));
        x = new ReLU().Call(Layers.Add(x, y));
        var output = new Dense(10).Call(new Flatten().Call(new MaxPool2D(2).Call(x)));
        var resnet = new Model(input, output);
        var classifier = new Model(input, new Softmax().Call(output));   // the same layers, with probabilities out

        var images = Tensor.Rand(new[] { 8, 1, 28, 28 }, new Generator(3));
        var labels = Tensor.FromArray(Enumerable.Range(0, 8).Select(i => (long)(i % 10)).ToArray(), 8);
        classifier.Compile("adam", "sparse_categorical_crossentropy", new[] { "accuracy" });
        var history = classifier.Fit(images, labels, epochs: 2, batchSize: 4, verbose: 0, seed: 1);
        Assert.Equal(2, history["accuracy"].Count);
        Assert.Equal(new[] { 8, 10 }, resnet.Predict(images).Shape.ToArray());
        Assert.Equal(resnet.ParameterCount(), classifier.ParameterCount());
        Assert.Equal(16 * 9 + 16 + 2 * (16 * 16 * 9 + 16) + 16 * 14 * 14 * 10 + 10, resnet.ParameterCount());
    }
}
