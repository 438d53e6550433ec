using Strata.NN;
using Strata.Optim;
using Xunit;

namespace Strata.Tests.Optim;

/// <summary>An optimizer made from a model whose lazy layers have no weights yet would never train them: it refuses.</summary>
public class UnbuiltModelTests
{
    [Fact]
    public void OptimizerRefusesLayersWithoutWeightsAndAcceptsThemOnceBuilt()
    {
        using var scope = Tensor.Scope();
        var model = new Sequential(new Embedding(10, 4, generator: new Generator(1)), new LSTM(3), new Dense(2));
        var e = Assert.Throws<InvalidOperationException>(() => new Adam(model.Parameters()));
        Assert.Contains("LSTM", e.Message);
        Assert.Contains("Dense", e.Message);
        Assert.Contains("Build", e.Message);
        Assert.Throws<InvalidOperationException>(() => new SGD(new[] { new ParamGroup(model.Parameters()) }, lr: 0.1));

        model.Build(new[] { 5 }, DType.Int64);
        var adam = new Adam(model.Parameters());
        Assert.Equal(model.Parameters().Count(), adam.Parameters.Count);
        Assert.Equal(1 + 4 + 2, adam.Parameters.Count);

        // Eagerly sized layers and parameterless layers never block.
        var eager = new Sequential(new Dense(3, inputFeatures: 4), new ReLU(), new Dropout(0.1), new Dense(1, inputFeatures: 3));
        Assert.Equal(4, new SGD(eager.Parameters(), lr: 0.1).Parameters.Count);
    }
}
