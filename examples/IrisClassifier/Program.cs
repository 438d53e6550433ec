// Trains a small MLP (4-16-3) on Fisher's Iris data with Strata's tensors and autograd, written out by hand
// (the Keras-style layers and Fit loop come with the workflow issue). Prints test accuracy and a final JSON line.
using System.Diagnostics;
using System.Globalization;
using Strata;
using Strata.Autograd;

string path = args.Length > 0 ? args[0] : FindData("data/iris/iris.csv");
var (features, labels) = LoadIris(path);
int n = labels.Length, classes = 3;

// Deterministic stratified split: every 5th sample of each class goes to the test set.
var train = new List<int>();
var test = new List<int>();
var seen = new int[classes];
for (int i = 0; i < n; i++) (seen[labels[i]]++ % 5 == 4 ? test : train).Add(i);

// Standardise with statistics of the training part only.
var mean = new double[4];
var std = new double[4];
foreach (var i in train) for (int f = 0; f < 4; f++) mean[f] += features[i, f] / train.Count;
foreach (var i in train) for (int f = 0; f < 4; f++) std[f] += Math.Pow(features[i, f] - mean[f], 2) / train.Count;
for (int f = 0; f < 4; f++) std[f] = Math.Sqrt(std[f]);

Tensor Inputs(List<int> idx)
{
    var x = new float[idx.Count * 4];
    for (int r = 0; r < idx.Count; r++)
        for (int f = 0; f < 4; f++) x[r * 4 + f] = (float)((features[idx[r], f] - mean[f]) / std[f]);
    return Tensor.FromArray(x, idx.Count, 4);
}

Tensor OneHot(List<int> idx)
{
    var y = new float[idx.Count * classes];
    for (int r = 0; r < idx.Count; r++) y[r * classes + labels[idx[r]]] = 1;
    return Tensor.FromArray(y, idx.Count, classes);
}

using var xTrain = Inputs(train);
using var yTrain = OneHot(train);
using var xTest = Inputs(test);

var gen = new Generator(42);
Tensor Param(int fanIn, params int[] shape)
{
    double bound = Math.Sqrt(6.0 / fanIn); // He-uniform for ReLU layers
    var p = Tensor.Uniform(shape, -bound, bound, gen);
    p.RequiresGrad = true;
    return p;
}
var w1 = Param(4, 4, 16);
var b1 = Tensor.Zeros(16); b1.RequiresGrad = true;
var w2 = Param(16, 16, classes);
var b2 = Tensor.Zeros(classes); b2.RequiresGrad = true;
var parameters = new[] { w1, b1, w2, b2 };

Tensor Forward(Tensor x) => x.Matmul(w1).Add(b1).Relu().Matmul(w2).Add(b2);

// Full-batch gradient descent with momentum on softmax cross-entropy written as logsumexp - true logit.
const double lr = 0.1, momentum = 0.9;
const int epochs = 300;
var velocity = parameters.Select(p => Tensor.ZerosLike(p)).ToArray();
var sw = Stopwatch.StartNew();
double loss = 0;
for (int epoch = 1; epoch <= epochs; epoch++)
{
    using var scope = Tensor.Scope();
    var logits = Forward(xTrain);
    var nll = logits.LogSumExp(1).Sub(logits.Mul(yTrain).Sum(1)).Mean();
    nll.Backward();
    loss = nll.Item();
    using (GradMode.NoGrad())
        for (int k = 0; k < parameters.Length; k++)
        {
            velocity[k].CopyFrom(velocity[k].Mul(momentum).Sub(parameters[k].Grad!.Mul(lr)));
            parameters[k].AddInPlace(velocity[k]);
            parameters[k].Grad!.Zero_();
        }
    if (epoch % 50 == 0) Console.WriteLine($"epoch {epoch,3}  loss {loss:F4}");
}

double Accuracy(Tensor x, List<int> idx)
{
    using var scope = Tensor.Scope();
    using var noGrad = GradMode.NoGrad();
    var pred = Forward(x).Argmax(1).ToArray<long>();
    return idx.Select((i, r) => pred[r] == labels[i] ? 1.0 : 0.0).Average();
}

double trainAcc = Accuracy(xTrain, train), testAcc = Accuracy(xTest, test);
Console.WriteLine($"train accuracy {trainAcc:P1}, test accuracy {testAcc:P1} ({test.Count} held-out flowers), {sw.Elapsed.TotalSeconds:F2} s");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"train_loss\": {loss:F4}, \"train_accuracy\": {trainAcc:F4}, \"test_accuracy\": {testAcc:F4}, \"epochs\": {epochs}}}"));
return 0;

static (double[,], int[]) LoadIris(string path)
{
    if (!File.Exists(path)) throw new FileNotFoundException($"Iris data not found at {path}.");
    var lines = File.ReadAllLines(path);
    var header = lines[0].Split(',');
    if (header.Length < 2 || !int.TryParse(header[0], out int rows) || !int.TryParse(header[1], out int cols) || cols != 4)
        throw new InvalidDataException($"{path}: malformed header '{lines[0]}' (expected '150,4,<class names>').");
    if (lines.Length - 1 < rows) throw new InvalidDataException($"{path}: header promises {rows} rows but the file has {lines.Length - 1}.");
    var x = new double[rows, 4];
    var y = new int[rows];
    for (int r = 0; r < rows; r++)
    {
        var parts = lines[r + 1].Split(',');
        if (parts.Length != 5) throw new InvalidDataException($"{path}: line {r + 2} has {parts.Length} fields, expected 5.");
        for (int f = 0; f < 4; f++) x[r, f] = double.Parse(parts[f], CultureInfo.InvariantCulture);
        y[r] = int.Parse(parts[4], CultureInfo.InvariantCulture);
        if (y[r] is < 0 or > 2) throw new InvalidDataException($"{path}: line {r + 2} has class {y[r]}, expected 0-2.");
    }
    return (x, y);
}

static string FindData(string relative)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, relative);
        if (File.Exists(candidate)) return candidate;
    }
    return relative;
}
