using Strata;
using Strata.NN;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.NN;

public class ModuleTests
{
    private static Sequential Cnn(Generator g) => new(
        new Conv2D(32, 3, generator: g), new ReLU(), new MaxPool2D(2),
        new Conv2D(64, 3, generator: g), new ReLU(), new MaxPool2D(2),
        new Flatten(), new Dense(128, generator: g), new ReLU(), new Dropout(0.5, g), new Dense(10, generator: g));

    private sealed class Mlp : Module
    {
        public readonly Dense Fc1 = new(5, 3, generator: new Generator(1), dtype: DType.Float64);
        private readonly Tanh _act = new();
        public Dense Fc2 { get; } = new(2, 5, generator: new Generator(2), dtype: DType.Float64);
        public Parameter Scale = new(Tensor.Ones(new[] { 2 }, DType.Float64));

        public override Tensor Forward(Tensor x) => Fc2.Invoke(_act.Invoke(Fc1.Invoke(x))) * Scale.Data;
    }

    [Fact]
    public void LazyDenseAfterFlattenInfersSizes()
    {
        var model = new Sequential(new Flatten(), new Dense(7, generator: new Generator(3)));
        var dense = (Dense)model[1];
        Assert.False(dense.IsBuilt);
        Assert.Empty(model.Parameters());
        var y = model.Invoke(Tensor.Rand(new[] { 4, 2, 3, 5 }, new Generator(4)));
        Assert.Equal(new Shape(4, 7), y.Shape);
        Assert.Equal(30, dense.InputFeatures);
        Assert.Equal(new Shape(7, 30), dense.Weight!.Shape);
        var ex = Assert.Throws<ArgumentException>(() => model.Invoke(Tensor.Rand(new[] { 4, 2, 2, 5 }, new Generator(4))));
        Assert.Contains("Dense(7)", ex.Message);
        Assert.Contains("30", ex.Message);
        Assert.Contains("[4, 20]", ex.Message);
    }

    [Fact]
    public void CnnNamedParametersAndCount()
    {
        var model = Cnn(new Generator(5));
        var y = model.Invoke(Tensor.Rand(new[] { 2, 1, 28, 28 }, new Generator(6)));
        Assert.Equal(new Shape(2, 10), y.Shape);
        var named = model.NamedParameters().ToList();
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "10.weight", "10.bias" }, named.Select(n => n.Name));
        Assert.Equal(225_034L, model.ParameterCount());
        Assert.Equal(225_034L, model.Parameters().Sum(p => p.Numel));
        Assert.Equal(new Shape(32, 1, 3, 3), named[0].Parameter.Shape);
        Assert.Equal(new Shape(128, 1600), named[4].Parameter.Shape);
    }

    [Fact]
    public void FieldAndPropertyDiscoveryUsesDeclarationOrder()
    {
        var m = new Mlp();
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "scale" }.OrderBy(s => s),
            m.NamedParameters().Select(n => n.Name).OrderBy(s => s));
        Assert.Equal(new[] { "scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, m.NamedParameters().Select(n => n.Name));
        Assert.Equal(3, m.Children().Count());
        var extra = new Dense(1, 2);
        m.RegisterModule("head", extra);
        Assert.Contains("head.weight", m.NamedParameters().Select(n => n.Name));
    }

    [Fact]
    public void TrainEvalSwitchesDropout()
    {
        var model = new Sequential(new Dense(4, 4), new Sequential(new Dropout(0.5, new Generator(7))));
        var drop = (Dropout)((Sequential)model[1])[0];
        var x = Tensor.Ones(new[] { 64, 64 });
        Assert.True(drop.IsTraining);
        var yTrain = drop.Invoke(x).ToArray<float>();
        Assert.Contains(0f, yTrain);
        Assert.Contains(2f, yTrain);
        model.Eval();
        Assert.False(model.IsTraining);
        Assert.False(drop.IsTraining);
        Assert.All(drop.Invoke(x).ToArray<float>(), v => Assert.Equal(1f, v));
        model.Train();
        Assert.True(drop.IsTraining);
    }

    [Fact]
    public void FreezingStopsGradients()
    {
        var model = new Sequential(new Dense(3, 4, generator: new Generator(8)), new ReLU(), new Dense(2, 3, generator: new Generator(9)));
        var x = Tensor.Rand(new[] { 5, 4 }, new Generator(10));
        model.Invoke(x).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.All(p.Grad!.ToArray<float>(), v => Assert.Equal(0f, v)));

        var fresh = new Sequential(new Dense(3, 4, generator: new Generator(8)), new ReLU(), new Dense(2, 3, generator: new Generator(9)));
        fresh.RequiresGrad = false;
        Assert.False(fresh.RequiresGrad);
        Assert.All(fresh.Parameters(), p => Assert.False(p.RequiresGrad));
        var xg = Tensor.Rand(new[] { 5, 4 }, new Generator(11));
        xg.RequiresGrad = true;
        fresh.Invoke(xg).Sum().Backward();
        Assert.NotNull(xg.Grad);
        Assert.All(fresh.Parameters(), p => Assert.Null(p.Grad));
        fresh.RequiresGrad = true;
        Assert.All(fresh.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void DenseForwardMatchesHandComputation()
    {
        var dense = new Dense(3, 4, generator: new Generator(12), dtype: DType.Float64);
        using (Strata.Autograd.GradMode.NoGrad())
            dense.Bias!.Set(Tensor.FromArray(new[] { 0.5, -1.0, 2.0 }));
        var x = Tensor.Uniform(new[] { 6, 4 }, -1, 1, new Generator(13), DType.Float64);
        var expected = x.Matmul(dense.Weight!.Data.T) + dense.Bias!.Data;
        AssertClose(expected.ToDoubleArray(), dense.Invoke(x).ToDoubleArray(), 1e-12, 1e-12);
        // and by explicit loops
        var w = dense.Weight.Data.ToDoubleArray(); var xs = x.ToDoubleArray(); var b = new[] { 0.5, -1.0, 2.0 };
        var manual = new double[18];
        for (int n = 0; n < 6; n++) for (int o = 0; o < 3; o++) { double s = b[o]; for (int i = 0; i < 4; i++) s += xs[n * 4 + i] * w[o * 4 + i]; manual[n * 3 + o] = s; }
        AssertClose(manual, dense.Invoke(x).ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void GradCheckThroughSequential()
    {
        var model = new Sequential(new Dense(5, 3, generator: new Generator(14), dtype: DType.Float64), new Tanh(),
                                   new Dense(4, generator: new Generator(15), dtype: DType.Float64), new Sigmoid(), new Dense(2, dtype: DType.Float64), new Softmax());
        var x = Tensor.Uniform(new[] { 6, 3 }, -1, 1, new Generator(16), DType.Float64);
        model.Invoke(x);
        // non-zero biases so their gradients matter
        foreach (var (name, p) in model.NamedParameters())
            if (name.EndsWith("bias")) p.Set(Tensor.Uniform(p.Shape.ToArray(), -0.5, 0.5, new Generator(17), DType.Float64));
        var inputs = model.Parameters().Select(p => p.Data).ToArray();
        Assert.Equal(6, inputs.Length);
        AssertGrad(_ => model.Invoke(x), inputs);
    }

    [Fact]
    public void GradCheckThroughConvSequential()
    {
        var model = new Sequential(new Conv2D(3, 3, padding: 1, generator: new Generator(18), dtype: DType.Float64), new GELU(),
                                   new AvgPool2D(2), new Conv2D(2, (2, 2), generator: new Generator(19), dtype: DType.Float64), new ELU(),
                                   new GlobalAveragePooling2D(), new Dense(2, generator: new Generator(20), dtype: DType.Float64), new LeakyReLU(0.1));
        var x = Tensor.Uniform(new[] { 2, 2, 6, 6 }, -1, 1, new Generator(21), DType.Float64);
        Assert.Equal(new Shape(2, 2), model.Invoke(x).Shape);
        AssertGrad(_ => model.Invoke(x), model.Parameters().Select(p => p.Data).ToArray());
    }

    [Fact]
    public void ClearErrorsForConvChannels()
    {
        var conv = new Conv2D(8, 3, inChannels: 3);
        var ex = Assert.Throws<ArgumentException>(() => conv.Invoke(Tensor.Zeros(1, 1, 8, 8)));
        Assert.Contains("Conv2D(8)", ex.Message);
        Assert.Contains("[1, 1, 8, 8]", ex.Message);
    }
}
