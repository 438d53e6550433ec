using Strata;
using Strata.NN;
using Strata.Optim;
using Strata.Training;
using Xunit;
using static Strata.Tests.TestUtil;

// Not "Strata.Tests.Functional": that namespace would hide the Strata.Functional ops class from every test.
namespace Strata.Tests.FunctionalApi;

public class GraphModelTests
{
    /// <summary>conv → (conv → relu) + skip → flatten → dense, the residual example of the functional API.</summary>
    private static (Model Model, Conv2D C1, Conv2D C2, Dense Fc) Residual(Generator g, DType dtype = DType.Float32)
    {
        var input = Input.Create(new[] { 1, 6, 6 }, dtype);
        var c1 = new Conv2D(4, 3, padding: 1, generator: g, dtype: dtype);
        var c2 = new Conv2D(4, 3, padding: 1, generator: g, dtype: dtype);
        var fc = new Dense(3, generator: g, dtype: dtype);
        var x = c1.Call(input);
        var skip = x;
        x = new ReLU().Call(c2.Call(x));
        x = Layers.Add(x, skip);
        var output = fc.Call(new Flatten().Call(x));
        return (new Model(input, output), c1, c2, fc);
    }

    [Fact]
    public void ResidualForwardEqualsHandComposedForward()
    {
        var (model, c1, c2, fc) = Residual(new Generator(1));
        Assert.True(c1.IsBuilt && c2.IsBuilt && fc.IsBuilt); // built while the graph was written (shapes known)
        Assert.Equal(144, fc.InputFeatures);
        var x = Tensor.Uniform(new[] { 5, 1, 6, 6 }, -1, 1, new Generator(2));
        var h = c1.Invoke(x);
        var expected = fc.Invoke((c2.Invoke(h).Relu() + h).Flatten(1));
        var y = model.Invoke(x);
        Assert.Equal(new Shape(5, 3), y.Shape);
        Assert.Equal(expected.ToArray<float>(), y.ToArray<float>());
        Assert.Equal(expected.ToArray<float>(), model.Call(new[] { x })[0].ToArray<float>());
    }

    [Fact]
    public void LayersGetKerasStyleUniqueNames()
    {
        var (model, _, _, _) = Residual(new Generator(3));
        Assert.Equal(new[] { "conv2d", "conv2d_1", "re_lu", "add", "flatten", "dense" }, model.NamedChildren().Select(c => c.Name));
        Assert.Equal(new[] { "conv2d.weight", "conv2d.bias", "conv2d_1.weight", "conv2d_1.bias", "dense.weight", "dense.bias" },
            model.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "input" }, model.LayerGraph!.InputNames);
        Assert.True(model.Inputs[0].IsInput);
        Assert.Equal(new Shape(3), model.Outputs[0].Shape);
    }

    [Fact]
    public void SnakeCaseMatchesKeras()
    {
        Assert.Equal("conv2d", LayerGraph.SnakeCase("Conv2D"));
        Assert.Equal("max_pool2d", LayerGraph.SnakeCase("MaxPool2D"));
        Assert.Equal("re_lu", LayerGraph.SnakeCase("ReLU"));
        Assert.Equal("leaky_re_lu", LayerGraph.SnakeCase("LeakyReLU"));
        Assert.Equal("global_average_pooling2d", LayerGraph.SnakeCase("GlobalAveragePooling2D"));
        Assert.Equal("dense", LayerGraph.SnakeCase("Dense"));
    }

    [Fact]
    public void UserNamesAreKeptAndAutoNamesAvoidThem()
    {
        var input = Input.Create(new[] { 4 }, DType.Float32, "features");
        var a = new Dense(3, generator: new Generator(4)) { Name = "dense" };
        var b = new Dense(2, generator: new Generator(5));
        var c = new Dense(2, generator: new Generator(6)) { Name = "head" };
        var model = new Model(input, c.Call(b.Call(a.Call(input))));
        Assert.Equal(new[] { "dense", "dense_1", "head" }, model.NamedChildren().Select(n => n.Name));

        var dup = new Dense(2) { Name = "features" };
        var ex = Assert.Throws<ArgumentException>(() => new Model(input, dup.Call(input)));
        Assert.Contains("'features'", ex.Message);
    }

    [Fact]
    public void SharedLayerSharesWeightsAndAccumulatesGradients()
    {
        var input = Input.Create(new[] { 3 }, DType.Float64);
        var shared = new Dense(3, generator: new Generator(7), dtype: DType.Float64);
        var y = shared.Call(new Tanh().Call(shared.Call(input)));
        var model = new Model(input, y);
        Assert.Single(model.NamedChildren(), c => ReferenceEquals(c.Module, shared));
        Assert.Equal(12, model.ParameterCount());
        Assert.Equal(new[] { "dense.weight", "dense.bias" }, model.NamedParameters().Select(p => p.Name));

        var x = Tensor.Uniform(new[] { 4, 3 }, -1, 1, new Generator(8), DType.Float64);
        var expected = shared.Invoke(shared.Invoke(x).Tanh());
        AssertClose(expected.ToDoubleArray(), model.Invoke(x).ToDoubleArray(), 0, 0);
        // d/dW of both uses lands in the one weight: compare with finite differences
        AssertGrad(_ => model.Invoke(x), shared.Weight!.Data, shared.Bias!.Data);
    }

    [Fact]
    public void MultiInputMultiOutput()
    {
        var g = new Generator(9);
        var a = Input.Create(new[] { 4 }, DType.Float64, "a");
        var b = Input.Create(new[] { 2 }, DType.Float64, "b");
        var da = new Dense(3, generator: g, dtype: DType.Float64);
        var db = new Dense(3, generator: g, dtype: DType.Float64);
        var ha = da.Call(a);
        var hb = db.Call(b);
        var sum = Layers.Add(ha, hb);
        var prod = Layers.Multiply(ha, hb);
        var diff = Layers.Subtract(ha, hb);
        var model = new Model(new[] { a, b }, new[] { sum, prod, diff, ha });

        var xa = Tensor.Uniform(new[] { 5, 4 }, -1, 1, new Generator(10), DType.Float64);
        var xb = Tensor.Uniform(new[] { 5, 2 }, -1, 1, new Generator(11), DType.Float64);
        var outs = model.Call(new[] { xa, xb });
        Assert.Equal(4, outs.Length);
        var ya = da.Invoke(xa); var yb = db.Invoke(xb);
        AssertClose((ya + yb).ToDoubleArray(), outs[0].ToDoubleArray(), 0, 0);
        AssertClose((ya * yb).ToDoubleArray(), outs[1].ToDoubleArray(), 0, 0);
        AssertClose((ya - yb).ToDoubleArray(), outs[2].ToDoubleArray(), 0, 0);
        AssertClose(ya.ToDoubleArray(), outs[3].ToDoubleArray(), 0, 0);

        // the single-tensor path refuses a multi-input graph with a pointer to Call(inputs)
        var ex = Assert.Throws<InvalidOperationException>(() => model.Invoke(xa));
        Assert.Contains("Call(", ex.Message);
        var countEx = Assert.Throws<ArgumentException>(() => model.Call(new[] { xa }));
        Assert.Contains("expects 2 input", countEx.Message);
        var shapeEx = Assert.Throws<ArgumentException>(() => model.Call(new[] { xa, xa }));
        Assert.Contains("'b'", shapeEx.Message);
        Assert.Contains("[5, 4]", shapeEx.Message);
    }

    [Fact]
    public void ConcatenateAlongChannels()
    {
        var g = new Generator(12);
        var input = Input.Create(2, 5, 5);
        var left = new Conv2D(3, 3, padding: 1, generator: g);
        var right = new Conv2D(4, 1, generator: g);
        var cat = Layers.Concatenate(left.Call(input), right.Call(input), axis: 1);
        Assert.Equal(new Shape(7, 5, 5), cat.Shape);
        var model = new Model(input, cat);
        var x = Tensor.Uniform(new[] { 2, 2, 5, 5 }, -1, 1, new Generator(13));
        var y = model.Invoke(x);
        Assert.Equal(new Shape(2, 7, 5, 5), y.Shape);
        var l = left.Invoke(x); var r = right.Invoke(x);
        Assert.Equal(l.ToArray<float>(), y.Narrow(1, 0, 3).Contiguous().ToArray<float>());
        Assert.Equal(r.ToArray<float>(), y.Narrow(1, 3, 4).Contiguous().ToArray<float>());
    }

    [Fact]
    public void NestedSequentialAndModelAsLayers()
    {
        var g = new Generator(14);
        var block = new Sequential(new Dense(4, generator: g), new ReLU());
        var inner = Input.Create(4);
        var innerModel = new Model(inner, new Dense(2, generator: g).Call(inner));
        var input = Input.Create(3);
        var model = new Model(input, innerModel.Call(block.Call(input)));
        Assert.Equal(new[] { "sequential", "model" }, model.NamedChildren().Select(c => c.Name));
        Assert.Equal(new[] { "sequential.0.weight", "sequential.0.bias", "model.dense.weight", "model.dense.bias" }, model.NamedParameters().Select(p => p.Name));
        var x = Tensor.Uniform(new[] { 2, 3 }, -1, 1, new Generator(15));
        Assert.Equal(innerModel.Invoke(block.Invoke(x)).ToArray<float>(), model.Invoke(x).ToArray<float>());
    }

    [Fact]
    public void UnknownSequenceLengthStillBuildsEveryLayerAtConstruction()
    {
        var ids = Input.Create(new[] { -1 }, DType.Int64);
        var emb = new Embedding(50, 8, maskZero: true, generator: new Generator(1));
        var gru = new GRU(6, bidirectional: true, returnSequences: true, generator: new Generator(2));
        var dense = new Dense(3, generator: new Generator(3));
        var seq = gru.Call(emb.Call(ids));
        Assert.Null(seq.Shape);
        Assert.Equal("[?, 12]", seq.ShapeText);
        var pooled = new GlobalMaxPooling1D().Call(seq);
        Assert.Equal(new Shape(12), pooled.Shape);
        var model = new Model(ids, dense.Call(pooled));
        // Built now, so an optimizer created next sees every weight.
        Assert.True(gru.IsBuilt && dense.IsBuilt);
        Assert.Equal(50 * 8 + 2 * 3 * 6 * (8 + 6 + 2) + 12 * 3 + 3, model.ParameterCount());
        using var scope = Tensor.Scope();
        Assert.Equal(new Shape(2, 3), model.Invoke(Tensor.FromArray(new long[] { 1, 2, 3, 4, 5, 6, 7, 0, 0, 0 }, 2, 5)).Shape);

        // Float features of unknown length: the feature dim is known, so the recurrent layer builds as well.
        var frames = Input.Create(-1, 4);
        var lstm = new LSTM(5, returnSequences: true, generator: new Generator(4));
        Assert.Equal("[?, 5]", lstm.Call(frames).ShapeText);
        Assert.True(lstm.IsBuilt);
        Assert.Equal(4, lstm.InputSize);
    }

    [Fact]
    public void UnknownDimsBuildOnFirstRealCall()
    {
        var input = Input.Create(3, -1);
        var dense = new Dense(2, generator: new Generator(16));
        var flat = new Flatten().Call(input);
        Assert.Null(flat.Shape);
        var model = new Model(input, dense.Call(flat));
        Assert.False(dense.IsBuilt);
        var y = model.Invoke(Tensor.Ones(4, 3, 5));
        Assert.Equal(new Shape(4, 2), y.Shape);
        Assert.Equal(15, dense.InputFeatures);
        var ex = Assert.Throws<ArgumentException>(() => model.Invoke(Tensor.Ones(4, 2, 5)));
        Assert.Contains("[batch, 3, ?]", ex.Message);
    }

    [Fact]
    public void SymbolicCallKeepsTrainingModeAndRunningState()
    {
        var drop = new Dropout(0.5, new Generator(17));
        var input = Input.Create(8);
        var model = new Model(input, drop.Call(input));
        Assert.True(drop.IsTraining);
        Assert.True(model.IsTraining);
        var y = model.Invoke(Tensor.Ones(64, 8)).ToArray<float>();
        Assert.Contains(0f, y); // still dropping in training mode
        model.Eval();
        Assert.All(model.Invoke(Tensor.Ones(4, 8)).ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void GradCheckThroughResidualGraph()
    {
        var (model, _, _, _) = Residual(new Generator(18), DType.Float64);
        foreach (var (name, p) in model.NamedParameters())
            if (name.EndsWith("bias")) p.Set(Tensor.Uniform(p.Shape.ToArray(), -0.5, 0.5, new Generator(19), DType.Float64));
        var x = Leaf(20, 2, 1, 6, 6);
        AssertGrad(ins => model.Invoke(ins[0]), new[] { x }.Concat(model.Parameters().Select(p => p.Data)).ToArray());
    }

    [Fact]
    public void ResidualBlockTrainsWithAPlainLoop()
    {
        var g = new Generator(21);
        var input = Input.Create(1, 6, 6);
        var stem = new Conv2D(4, 3, padding: 1, generator: g).Call(input);
        var x = new ReLU().Call(stem);
        var r = new ReLU().Call(new Conv2D(4, 3, padding: 1, generator: g).Call(x));
        r = new Conv2D(4, 3, padding: 1, generator: g).Call(r);
        x = new ReLU().Call(Layers.Add(r, x));
        var output = new Dense(2, generator: g).Call(new GlobalAveragePooling2D().Call(x));
        var model = new Model(input, output);

        // two classes: bright top half vs bright bottom half
        var images = new float[16 * 36];
        var labels = new long[16];
        for (int n = 0; n < 16; n++)
        {
            labels[n] = n % 2;
            for (int i = 0; i < 36; i++) images[n * 36 + i] = ((i < 18) == (n % 2 == 0) ? 1f : 0f) + 0.1f * ((n * 7 + i * 3) % 5);
        }
        var xs = Tensor.FromArray(images, 16, 1, 6, 6);
        var ys = Tensor.FromArray(labels, 16);
        var opt = new Adam(model.Parameters(), 0.02);
        var losses = new List<double>();
        for (int step = 0; step < 30; step++)
        {
            using var scope = Tensor.Scope();
            opt.ZeroGrad();
            var loss = Functional.CrossEntropy(model.Invoke(xs), ys);
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item());
        }
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss {losses[0]:F4} → {losses[^1]:F4}");
    }

    [Fact]
    public void DisconnectedOutputNamesTheMissingInput()
    {
        var a = Input.Create(new[] { 3 }, DType.Float32, "a");
        var b = Input.Create(new[] { 3 }, DType.Float32, "extra");
        var y = Layers.Add(new Dense(3).Call(a), b);
        var ex = Assert.Throws<ArgumentException>(() => new Model(a, y));
        Assert.Contains("Input 'extra'", ex.Message);
        Assert.Contains("outputs[0]", ex.Message);

        var unnamed = Input.Create(2, 2);
        var ex2 = Assert.Throws<ArgumentException>(() => new Model(a, new Flatten().Call(unnamed)));
        Assert.Contains("unnamed Input of shape [2, 2]", ex2.Message);
    }

    [Fact]
    public void GraphConstructionErrors()
    {
        var a = Input.Create(4);
        var h = new Dense(3).Call(a);
        Assert.Contains("not a graph input", Assert.Throws<ArgumentException>(() => new Model(h, h)).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Model(new[] { a, a }, new[] { h })).Message);
        Assert.Contains("Dense: takes one input, got 2", Assert.Throws<ArgumentException>(() => new Dense(2).Call(a, a)).Message);
        Assert.Contains("at least 2 inputs, got 1", Assert.Throws<ArgumentException>(() => Layers.Add(a)).Message);
        Assert.Contains("exactly 2 inputs, got 3", Assert.Throws<ArgumentException>(() => new Subtract().Call(a, a, a)).Message);
        Assert.Contains("per-sample dims", Assert.Throws<ArgumentException>(() => Input.Create(0, 3)).Message);
        // a shape error from a layer appears while the graph is written
        var img = Input.Create(3, 8, 8);
        var conv = new Conv2D(2, 3, inChannels: 1);
        Assert.Contains("Conv2D(2)", Assert.Throws<ArgumentException>(() => conv.Call(img)).Message);
        // Call(inputs[]) is for graph models only
        Assert.Contains("graph models", Assert.Throws<InvalidOperationException>(() => new Sequential(new ReLU()).Call(new[] { Tensor.Ones(1) })).Message);
    }

    [Fact]
    public void AddShapeMismatchNamesBothShapes()
    {
        var a = Input.Create(4, 8, 8);
        var b = Input.Create(8, 8, 8);
        var ex = Assert.Throws<ArgumentException>(() => Layers.Add(a, b));
        Assert.Contains("Add", ex.Message);
        Assert.Contains("[1, 4, 8, 8]", ex.Message);
        Assert.Contains("[1, 8, 8, 8]", ex.Message);
        var cex = Assert.Throws<ArgumentException>(() => Layers.Concatenate(Input.Create(2, 3), Input.Create(4, 5), axis: 1));
        Assert.Contains("[1, 2, 3]", cex.Message);
        Assert.Contains("[1, 4, 5]", cex.Message);
    }
}
