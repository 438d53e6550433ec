// The README's C# example, runnable: define, compile, fit, evaluate, save, load and predict with the
// Keras-style API on the bundled Fashion-MNIST sample (or a folder of MNIST-format IDX files given as argument).
using Strata;
using Strata.Data.Readers;
using Strata.Losses;
using Strata.Metrics;
using Strata.NN;
using Strata.Optim;
using Strata.Training;
using Strata.Training.Callbacks;

string dataDir = args.Length > 0 ? args[0] : FindData("data/fashion-mnist");
using var data = FashionMnist.Load(dataDir);                       // checks every file before training

var model = new Sequential(
    new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
    new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5),
    new Dense(10));                                                // sizes are inferred on the first batch
model.Compile(p => new Adam(p, lr: 1e-3), new SparseCategoricalCrossEntropy(fromLogits: true), new Accuracy());

var history = model.Fit(data.Train, epochs: 3, batchSize: 64, validationSplit: 0.1, seed: 1,
    callbacks: new Callback[] { new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true) });
var test = model.Evaluate(data.Test);
Console.WriteLine($"test loss {test["loss"]:F4}, test accuracy {test["accuracy"]:P1}");

model.Save("quickstart.safetensors");                              // architecture + weights + optimizer state
var loaded = Model.Load("quickstart.safetensors");

using var scope = Tensor.Scope();
var images = data.Test.X.Narrow(0, 0, 5);
var before = model.Predict(images).Softmax(-1);
var after = loaded.Predict(images).Softmax(-1);
var predicted = after.Argmax(-1).ToArray<long>();
Console.WriteLine("first five test images: " + string.Join(", ", predicted.Select(c => data.ClassNames[(int)c])));
Console.WriteLine($"saved and loaded models agree: {before.ToArray<float>().SequenceEqual(after.ToArray<float>())}");

static string FindData(string relative)
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
        if (Directory.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
    throw new DirectoryNotFoundException($"{relative} not found above {Directory.GetCurrentDirectory()}; pass the data folder as argument.");
}
