using Strata;
using Strata.NN;
using Strata.Serialization;
using Strata.Tests.Serialization.JsonFixtures;
using Strata.Training;
using Xunit;

namespace Strata.Tests.Serialization;

public class ModelJsonTests
{
    private static Sequential SeedCnn(Generator g) => new(
        new Conv2D(32, 3, generator: g), new ReLU(), new MaxPool2D(2),
        new Conv2D(64, 3, generator: g), new ReLU(), new MaxPool2D(2),
        new Flatten(), new Dense(128, generator: g), new ReLU(), new Dropout(0.5, g), new Dense(10, generator: g));

    /// <summary>Copies weights by parameter name, checking both models have the same names and shapes.</summary>
    private static void CopyWeights(Module from, Module to)
    {
        var src = from.NamedParameters().ToList();
        var dst = to.NamedParameters().ToList();
        Assert.Equal(src.Select(p => p.Name), dst.Select(p => p.Name));
        for (int i = 0; i < src.Count; i++) dst[i].Parameter.Set(src[i].Parameter.Data);
    }

    [Fact]
    public void SeedCnnRoundTripGivesTheSameOutputs()
    {
        var model = SeedCnn(new Generator(1));
        var x = Tensor.Uniform(new[] { 3, 1, 28, 28 }, 0, 1, new Generator(2));
        model.Invoke(x);
        string json = ModelJson.ToJson(model);
        Assert.StartsWith("{\"format\":\"strata.model\",\"version\":1,\"class\":\"Sequential\",\"layers\":[{\"class\":\"Conv2D\",\"name\":\"0\",\"config\":{\"filters\":32,\"kernelSize\":3,", json);
        Assert.Contains("\"inputShape\":[1,28,28]", json);
        Assert.Contains("{\"class\":\"Dropout\",\"name\":\"9\",\"config\":{\"p\":0.5}}", json);
        Assert.Contains("\"inputFeatures\":1600", json);
        Assert.Contains("\"dtype\":\"Float32\"", json);

        var loaded = Assert.IsType<Sequential>(ModelJson.FromJson(json));
        Assert.Equal(11, loaded.Count);
        Assert.Equal(225_034L, loaded.ParameterCount());
        Assert.Equal(json, ModelJson.ToJson(loaded));
        CopyWeights(model, loaded);
        model.Eval();
        loaded.Eval();
        Assert.Equal(model.Invoke(x).ToArray<float>(), loaded.Invoke(x).ToArray<float>());
    }

    [Fact]
    public void InputShapeBuildsLazyLayersOnLoad()
    {
        const string json = """
            {"format":"strata.model","version":1,"class":"Sequential","inputShape":[1,28,28],
             "layers":[{"class":"Conv2D","name":"0","config":{"filters":32,"kernelSize":3}},
                       {"class":"ReLU","name":"1","config":{}},
                       {"class":"Flatten","name":"2","config":{}},
                       {"class":"Dense","name":"3","config":{"units":10}}]}
            """;
        var model = Assert.IsType<Sequential>(ModelJson.FromJson(json));
        Assert.True(model[3].IsBuilt);
        // conv 32·1·3·3 + 32, dense (32·26·26)·10 + 10
        Assert.Equal(32 * 9 + 32 + 32 * 26 * 26 * 10 + 10, model.ParameterCount());
        Assert.True(model.IsTraining); // the build probe restored training mode
        Assert.Equal(new Shape(2, 10), model.Invoke(Tensor.Zeros(2, 1, 28, 28)).Shape);
    }

    [Fact]
    public void Float64ModelIsBuiltWithItsOwnDType()
    {
        var model = new Sequential(new Flatten(), new Dense(3, dtype: DType.Float64));
        model.Invoke(Tensor.Zeros(new[] { 2, 2, 2 }, DType.Float64));
        string json = ModelJson.ToJson(model);
        Assert.Contains("\"inputShape\":[2,2]", json);
        var loaded = (Sequential)ModelJson.FromJson(json.Replace("\"inputFeatures\":4", "\"inputFeatures\":null"));
        Assert.True(loaded[1].IsBuilt);
        Assert.Equal(DType.Float64, loaded.Parameters().First().DType);
    }

    [Fact]
    public void UnbuiltModelStaysLazy()
    {
        string json = ModelJson.ToJson(SeedCnn(new Generator(3)));
        Assert.DoesNotContain("inputShape", json);
        Assert.Contains("\"inputFeatures\":null", json);
        var loaded = (Sequential)ModelJson.FromJson(json);
        Assert.Empty(loaded.Parameters());
        loaded.Invoke(Tensor.Zeros(1, 1, 28, 28));
        Assert.Equal(225_034L, loaded.ParameterCount());
    }

    [Fact]
    public void NestedSequentialsAndNamesRoundTrip()
    {
        var g = new Generator(4);
        var model = new Sequential(new Sequential(new Dense(4, 3, generator: g), new Tanh()), new Dense(2, 4, generator: g) { Name = "head" });
        string json = ModelJson.ToJson(model, indented: true);
        Assert.Contains("\"name\": \"head\"", json);
        var loaded = (Sequential)ModelJson.FromJson(json);
        Assert.Equal("head", loaded[1].Name);
        Assert.Null(((Sequential)loaded[0])[0].Name);
        Assert.Equal(new[] { "0.0.weight", "0.0.bias", "1.weight", "1.bias" }, loaded.NamedParameters().Select(p => p.Name));
        CopyWeights(model, loaded);
        var x = Tensor.Uniform(new[] { 5, 3 }, -1, 1, new Generator(5));
        Assert.Equal(model.Invoke(x).ToArray<float>(), loaded.Invoke(x).ToArray<float>());
    }

    private static Model ResidualGraph(Generator g)
    {
        var image = Input.Create(new[] { 1, 6, 6 }, DType.Float32, "image");
        var extra = Input.Create(new[] { 3 }, DType.Float32, "extra");
        var x = new Conv2D(4, 3, padding: 1, generator: g).Call(image);
        var skip = x;
        x = new ReLU().Call(new Conv2D(4, (3, 1), padding: (1, 0), generator: g).Call(x));
        x = Layers.Add(x, skip);
        var pooled = new GlobalAveragePooling2D().Call(x);
        var shared = new Dense(4, generator: g);
        var a = shared.Call(pooled);
        var b = shared.Call(new Dense(4, generator: g).Call(extra));
        var joined = Layers.Concatenate(new[] { a, b, pooled });
        var logits = new Dense(2, generator: g) { Name = "logits" }.Call(joined);
        return new Model(new[] { image, extra }, new[] { logits, b });
    }

    [Fact]
    public void ResidualGraphRoundTripGivesTheSameOutputs()
    {
        var model = ResidualGraph(new Generator(6));
        string json = ModelJson.ToJson(model);
        Assert.Contains("\"class\":\"Model\"", json);
        Assert.Contains("\"inputs\":[{\"name\":\"image\",\"shape\":[1,6,6],\"dtype\":\"Float32\"},{\"name\":\"extra\",\"shape\":[3],\"dtype\":\"Float32\"}]", json);
        Assert.Contains("{\"class\":\"Add\",\"name\":\"add\",\"config\":{},\"inbound\":[[[\"re_lu\",0],[\"conv2d\",0]]]}", json);
        Assert.Contains("\"kernelSize\":[3,1]", json);
        // the shared Dense appears once, with two calls
        Assert.Contains("\"inbound\":[[[\"global_average_pooling2d\",0]],[[\"dense_1\",0]]]", json);
        Assert.Contains("\"outputs\":[[\"logits\",0],[\"dense\",1]]", json);

        var loaded = Assert.IsType<Model>(ModelJson.FromJson(json));
        Assert.Equal(json, ModelJson.ToJson(loaded));
        Assert.Equal(model.ParameterCount(), loaded.ParameterCount());
        CopyWeights(model, loaded);
        var xi = Tensor.Uniform(new[] { 2, 1, 6, 6 }, -1, 1, new Generator(7));
        var xe = Tensor.Uniform(new[] { 2, 3 }, -1, 1, new Generator(8));
        var want = model.Call(new[] { xi, xe });
        var got = loaded.Call(new[] { xi, xe });
        Assert.Equal(2, got.Length);
        Assert.Equal(want[0].ToArray<float>(), got[0].ToArray<float>());
        Assert.Equal(want[1].ToArray<float>(), got[1].ToArray<float>());
    }

    [Fact]
    public void GraphWithNestedSequentialAndUnknownDimsRoundTrips()
    {
        var input = Input.Create(2, -1);
        var body = new Sequential(new Flatten(), new Dense(3, generator: new Generator(9)));
        var model = new Model(input, body.Call(input));
        string json = ModelJson.ToJson(model);
        Assert.Contains("\"shape\":[2,-1]", json);
        Assert.Contains("{\"class\":\"Sequential\",\"name\":\"sequential\",\"layers\":[", json);
        var loaded = (Model)ModelJson.FromJson(json);
        Assert.Equal(json, ModelJson.ToJson(loaded));
        var x = Tensor.Ones(2, 2, 5);
        model.Invoke(x);
        loaded.Invoke(x);
        CopyWeights(model, loaded);
        Assert.Equal(model.Invoke(x).ToArray<float>(), loaded.Invoke(x).ToArray<float>());
    }

    [Fact]
    public void SpecialValuesRoundTrip()
    {
        var model = new Sequential(new LeakyReLU(double.PositiveInfinity), new ELU(double.NaN), new Softmax(-2), new AvgPool2D((2, 3), stride: (1, 2), padding: (1, 1)));
        string json = ModelJson.ToJson(model);
        Assert.Contains("\"negativeSlope\":\"Infinity\"", json);
        Assert.Contains("\"alpha\":\"NaN\"", json);
        Assert.Contains("\"poolSize\":[2,3],\"stride\":[1,2],\"padding\":1", json);
        var loaded = (Sequential)ModelJson.FromJson(json);
        Assert.Equal(double.PositiveInfinity, ((LeakyReLU)loaded[0]).NegativeSlope);
        Assert.True(double.IsNaN(((ELU)loaded[1]).Alpha));
        Assert.Equal(new IntPair(1, 2), ((AvgPool2D)loaded[3]).Stride);
    }

    [Fact]
    public void NestedConfigObjectsAndLayerArguments()
    {
        var catalog = new LayerCatalog(typeof(Scale).Assembly, typeof(Scale).Namespace!);
        var model = new Sequential(
            new Scale(2.5, new L1L2Penalty(0.1, 0.02), new[] { 1, 3 }, ScaleMode.Divide, new Shape(4, 5), "half", 0.1f, 1L << 50),
            new Twice(new Scale(3, new L2Penalty())));
        string json = ModelJson.ToJson(model, catalog);
        Assert.Contains("\"penalty\":{\"class\":\"L1L2Penalty\",\"config\":{\"l1\":0.1,\"l2\":0.02}}", json);
        Assert.Contains("\"dims\":[1,3],\"mode\":\"Divide\",\"shape\":[4,5],\"label\":\"half\",\"ratio\":0.1,\"big\":1125899906842624", json);
        Assert.Contains("\"inner\":{\"class\":\"Scale\",\"config\":{\"factor\":3,\"penalty\":{\"class\":\"L2Penalty\",\"config\":{\"l2\":0.01}}", json);
        var loaded = (Sequential)ModelJson.FromJson(json, catalog);
        Assert.Equal(json, ModelJson.ToJson(loaded, catalog));
        var s = (Scale)loaded[0];
        Assert.Equal(0.02, Assert.IsType<L1L2Penalty>(s.Penalty).L2);
        Assert.Equal(new Shape(4, 5), s.Shape);
        Assert.Equal(0.1f, s.Ratio);
        var x = Tensor.FromArray(new[] { 1f, 2f });
        Assert.Equal(new[] { 9f, 18f }, loaded[1].Invoke(x).ToArray<float>());

        var ex = Assert.Throws<FormatException>(() => ModelJson.FromJson(json.Replace("\"L2Penalty\"", "\"Tensor\""), catalog));
        Assert.Contains("unknown class 'Tensor' for a Penalty", ex.Message);
        Assert.Contains("L1L2Penalty, L2Penalty", ex.Message);
        var rule = Assert.Throws<InvalidOperationException>(() => ModelJson.ToJson(new Sequential(new Hidden(3)), catalog));
        Assert.Contains("Hidden", rule.Message);
        Assert.Contains("'size' has no public property", rule.Message);
    }

    [Fact]
    public void IndexInputModelIsBuiltWithInt64()
    {
        var catalog = new LayerCatalog(typeof(IndexCounter).Assembly, typeof(IndexCounter).Namespace!);
        var model = new Sequential(new IndexCounter(4));
        model.Invoke(Tensor.Zeros(new[] { 2, 3 }, DType.Int64));
        string json = ModelJson.ToJson(model, catalog);
        Assert.Contains("\"inputShape\":[3]", json);
        var loaded = (Sequential)ModelJson.FromJson(json, catalog);
        Assert.Equal(new Shape(4, 3), ((IndexCounter)loaded[0]).Table!.Shape);
        // an explicit inputDType is the only one tried
        var ex = Assert.Throws<FormatException>(() => ModelJson.FromJson(json.Replace("\"inputShape\":[3]", "\"inputShape\":[3],\"inputDType\":\"Float32\""), catalog));
        Assert.Contains("expects int64 indices", ex.Message);
    }

    private static FormatException Bad(string json) => Assert.Throws<FormatException>(() => ModelJson.FromJson(json));

    private const string Head = "\"format\":\"strata.model\",\"version\":1";

    [Fact]
    public void UnknownClassIsNamedWithTheKnownOnes()
    {
        var ex = Bad($"{{{Head},\"class\":\"Sequential\",\"layers\":[{{\"class\":\"System.Diagnostics.Process\",\"name\":\"0\",\"config\":{{}}}}]}}");
        Assert.Contains("'System.Diagnostics.Process'", ex.Message);
        Assert.Contains("Conv2D", ex.Message);
        Assert.Contains("Dense", ex.Message);
        Assert.Contains("layers[0]", ex.Message);
    }

    [Fact]
    public void MalformedDocuments()
    {
        Assert.Contains("malformed JSON", Bad("{\"format\":\"strata.model\",").Message);
        Assert.Contains("malformed JSON", Bad("").Message);
        Assert.Contains("JSON object", Bad("[1,2]").Message);
        Assert.Contains("missing key 'format'", Bad("{\"class\":\"Sequential\",\"layers\":[]}").Message);
        Assert.Contains("expected \"strata.model\"", Bad("{\"format\":\"keras\",\"version\":1}").Message);
        Assert.Contains("unsupported version 2", Bad("{\"format\":\"strata.model\",\"version\":2}").Message);
        Assert.Contains("'layers' must be an array", Bad($"{{{Head},\"class\":\"Sequential\",\"layers\":{{}}}}").Message);
        Assert.Contains("unknown key 'layer'", Bad($"{{{Head},\"class\":\"Sequential\",\"layer\":[]}}").Message);
    }

    [Fact]
    public void BadConfigValuesNameLayerAndKey()
    {
        string Layer(string config) => $"{{{Head},\"class\":\"Sequential\",\"layers\":[{{\"class\":\"Dense\",\"name\":\"0\",\"config\":{config}}}]}}";
        var missing = Bad(Layer("{\"useBias\":false}"));
        Assert.Contains("'0' (Dense)", missing.Message);
        Assert.Contains("missing config key 'units'", missing.Message);
        var wrongType = Bad(Layer("{\"units\":\"ten\"}"));
        Assert.Contains("config key 'units'", wrongType.Message);
        Assert.Contains("\"ten\"", wrongType.Message);
        Assert.Contains("config key 'units'", Bad(Layer("{\"units\":2.5}")).Message);
        var unknownKey = Bad(Layer("{\"units\":3,\"activation\":\"relu\"}"));
        Assert.Contains("unknown config key 'activation'", unknownKey.Message);
        Assert.Contains("units, inputFeatures, useBias, dtype", unknownKey.Message);
        var enumEx = Bad(Layer("{\"units\":3,\"dtype\":\"float16\"}"));
        Assert.Contains("config key 'dtype'", enumEx.Message);
        Assert.Contains("Float32, Float64", enumEx.Message);
        var rejected = Bad(Layer("{\"units\":-3}"));
        Assert.Contains("constructor rejected", rejected.Message);
        Assert.Contains("units must be positive", rejected.Message);
        Assert.Contains("must not be null", Bad(Layer("{\"units\":null}")).Message);
        var noConfig = Bad($"{{{Head},\"class\":\"Sequential\",\"layers\":[{{\"class\":\"ReLU\",\"name\":\"0\"}}]}}");
        Assert.Contains("missing key 'config'", noConfig.Message);
        var badShape = Bad($"{{{Head},\"class\":\"Sequential\",\"inputShape\":[3,8,8],\"layers\":[{{\"class\":\"Conv2D\",\"name\":\"0\",\"config\":{{\"filters\":2,\"kernelSize\":3,\"inChannels\":1}}}}]}}");
        Assert.Contains("could not build", badShape.Message);
        Assert.Contains("Conv2D(2)", badShape.Message);
    }

    [Fact]
    public void BadGraphReferences()
    {
        string json = ModelJson.ToJson(ResidualGraph(new Generator(10)));
        var dangling = Bad(json.Replace("[[[\"re_lu\",0],[\"conv2d\",0]]]", "[[[\"re_lu\",0],[\"conv2d\",3]]]"));
        Assert.Contains("'add'", dangling.Message);
        Assert.Contains("[\"conv2d\", 3]", dangling.Message);
        var output = Bad(json.Replace("\"outputs\":[[\"logits\",0]", "\"outputs\":[[\"nothing\",0]"));
        Assert.Contains("outputs[0]", output.Message);
        Assert.Contains("\"nothing\"", output.Message);
        var dup = Bad(json.Replace("\"name\":\"extra\"", "\"name\":\"image\""));
        Assert.Contains("'image' is used twice", dup.Message);
        var shapes = Bad(json.Replace("\"shape\":[3]", "\"shape\":[5]"));
        Assert.Contains("'dense_1'", shapes.Message);
        Assert.Contains("Dense(4)", shapes.Message);
    }

    private sealed class Subclassed : Model
    {
        private readonly Dense _fc = new(2, 2);
        public override Tensor Forward(Tensor x) => _fc.Invoke(x);
    }

    [Fact]
    public void CodeDefinedModulesCannotBeWritten()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ModelJson.ToJson(new Sequential(new Dense(2), new Subclassed())));
        Assert.Contains("model.layers[1]", ex.Message);
        Assert.Contains("subclassed model", ex.Message);
        var custom = Assert.Throws<InvalidOperationException>(() => ModelJson.ToJson(new Scale(2)));
        Assert.Contains("not a Strata layer", custom.Message);
    }

    [Fact]
    public void SingleLayerRoundTrips()
    {
        var conv = new Conv2D(3, (2, 4), stride: 2, dilation: (1, 2), groups: 1, useBias: false, inChannels: 2, dtype: DType.Float64);
        var back = Assert.IsType<Conv2D>(ModelJson.FromJson(ModelJson.ToJson(conv)));
        Assert.Equal(new IntPair(2, 4), back.KernelSize);
        Assert.Equal(new IntPair(1, 2), back.Dilation);
        Assert.False(back.UseBias);
        Assert.Equal(2, back.InChannels);
        Assert.Equal(DType.Float64, back.Weight!.DType);
    }
}
