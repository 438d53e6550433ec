// Which category file does a fortune come from? (computers, food, love, politics, science, sports; data/text/fortunes)
// A bidirectional GRU over word embeddings against a bag-of-words logistic regression, both trained by Strata on the
// same stratified split; prints test accuracy for both and ends with one JSON line.
// Usage: dotnet run -c Release --project examples/TextClassifier [-- --quick] [--data DIR]
using System.Diagnostics;
using System.Globalization;
using Strata;
using Strata.Autograd;
using Strata.Data.Text;
using Strata.Losses;
using Strata.Metrics;
using Strata.NN;
using Strata.Optim;
using Strata.Training;
using Strata.Training.Callbacks;

bool quick = args.Contains("--quick");
int dataArg = Array.IndexOf(args, "--data");
string dir = dataArg >= 0 && dataArg + 1 < args.Length ? args[dataArg + 1] : FindData("data/text/fortunes");
const int seed = 42, maxVocab = 6000, maxTokens = 80;

// Texts and labels: the category of a fortune is the file it comes from.
if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"TextClassifier: fortune directory not found: {dir}.");
var files = Directory.GetFiles(dir, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToArray();
if (files.Length < 2) throw new InvalidDataException($"TextClassifier: {dir} needs at least two category files, found {files.Length}.");
var classNames = files.Select(Path.GetFileNameWithoutExtension).ToArray();
var texts = new List<string>();
var labels = new List<int>();
for (int c = 0; c < files.Length; c++)
    foreach (var fortune in Fortunes.Read(files[c])) { texts.Add(fortune); labels.Add(c); }

// Stratified split with a fixed seed: per class, 20 % test, 10 % validation (for picking the epoch), 70 % training.
var (trainIdx, valIdx, testIdx) = StratifiedSplit(labels, classNames.Length, 0.2, 0.1, new Generator(seed));
Console.WriteLine($"{texts.Count} fortunes in {classNames.Length} categories ({string.Join(", ", classNames.Select((n, c) => $"{n} {labels.Count(l => l == c)}"))}); " +
                  $"split {trainIdx.Length} train / {valIdx.Length} validation / {testIdx.Length} test");

var tokenizer = WordTokenizer.Fit(trainIdx.Select(i => texts[i]), maxVocab: maxVocab);
var encoded = texts.Select(t => { var ids = tokenizer.Encode(t); return ids.Length > maxTokens ? ids[..maxTokens] : ids; }).ToArray();
double oov = testIdx.SelectMany(i => encoded[i]).Average(id => id == Tokenizer.UnknownId ? 1.0 : 0.0);
Console.WriteLine($"vocabulary {tokenizer.VocabSize} words (2 reserved), texts cut to {maxTokens} tokens, {oov:P1} of test tokens out of vocabulary");

// Baseline: multinomial logistic regression on binary bag-of-words vectors, Keras workflow.
var sw = Stopwatch.StartNew();
Tensor Bow(int[] idx)
{
    var x = new float[idx.Length * tokenizer.VocabSize];
    for (int r = 0; r < idx.Length; r++)
        foreach (var id in encoded[idx[r]])
            if (id != Tokenizer.UnknownId) x[r * tokenizer.VocabSize + id] = 1;
    return Tensor.FromArray(x, idx.Length, tokenizer.VocabSize);
}
Tensor Labels(int[] idx) => Tensor.FromArray(idx.Select(i => (long)labels[i]).ToArray(), idx.Length);

double baselineAccuracy;
using (var scope = Tensor.Scope())
{
    Generator.ManualSeed(seed);
    var logistic = new Sequential(new Dense(classNames.Length, generator: new Generator(seed)));
    logistic.Compile(p => new Adam(p, lr: 1e-2), new SparseCategoricalCrossEntropy(fromLogits: true), new Accuracy());
    var xTrain = Bow(trainIdx);
    var yTrain = Labels(trainIdx);
    logistic.Fit(xTrain, yTrain, epochs: 40, batchSize: 32, validationData: (Bow(valIdx), Labels(valIdx)), seed: seed, verbose: 0,
        callbacks: new Callback[] { new EarlyStopping(monitor: "val_loss", patience: 5, restoreBestWeights: true) });
    baselineAccuracy = logistic.Evaluate(Bow(testIdx), Labels(testIdx))["accuracy"];
}
Console.WriteLine($"bag-of-words logistic regression: test accuracy {baselineAccuracy:P2} ({sw.Elapsed.TotalSeconds:F1} s)");

// Sequence model: manual loop over length-bucketed batches, each padded only to its own longest text.
sw.Restart();
int epochs = IntArg("--epochs") ?? (quick ? 20 : 30);
int embeddingDim = IntArg("--embedding") ?? 64, units = IntArg("--units") ?? 64;
double lr = DoubleArg("--lr") ?? 3e-3, dropout = DoubleArg("--dropout") ?? 0.5, weightDecay = DoubleArg("--weight-decay") ?? 0.05;
var model = FortuneRnn.Create(tokenizer.VocabSize, classNames.Length, embeddingDim, units, dropout, new Generator(seed));
// Decoupled weight decay and heavy dropout: with ~2,000 training texts the network overfits within a few epochs.
var optimizer = new AdamW(model.Parameters(), lr: lr, weightDecay: weightDecay);
var lossFn = new SparseCategoricalCrossEntropy(fromLogits: true);
Console.WriteLine($"Embedding {embeddingDim} (masked padding) → bidirectional GRU {units} → max-pool ⊕ mean embedding → Dense {classNames.Length}: " +
                  $"{model.Parameters().Sum(p => p.Data.Numel):N0} parameters, {epochs} epochs");
var trainLengths = trainIdx.Select(i => encoded[i].Length).ToArray();
double bestVal = -1;
int bestEpoch = 0;
Dictionary<string, Tensor>? best = null;
for (int epoch = 1; epoch <= epochs; epoch++)
{
    model.Train();
    double lossSum = 0;
    foreach (var batch in Sequences.BatchesByLength(trainLengths, batchSize: 32, seed: seed + epoch))
    {
        using var scope = Tensor.Scope();
        optimizer.ZeroGrad();
        var x = Sequences.Pad(batch.Select(b => encoded[trainIdx[b]]).ToArray(), padding: PadSide.Post);
        var y = Labels(batch.Select(b => trainIdx[b]).ToArray());
        var loss = lossFn.Forward(model.Invoke(x), y);
        loss.Backward();
        ClipGrad.Norm(model.Parameters(), 5.0);
        optimizer.Step();
        lossSum += loss.Item() * batch.Length;
    }
    double valAccuracy = Accuracy(model, valIdx);
    Console.WriteLine($"epoch {epoch,2}/{epochs}  loss {lossSum / trainIdx.Length:F4}  val accuracy {valAccuracy:P2}  {sw.Elapsed.TotalSeconds:F0} s");
    if (valAccuracy > bestVal)
    {
        bestVal = valAccuracy;
        bestEpoch = epoch;
        if (best is not null) foreach (var t in best.Values) t.Dispose();
        best = Snapshot(model);
    }
}
model.LoadStateDict(best!);
double testAccuracy = Accuracy(model, testIdx);
double trainSeconds = sw.Elapsed.TotalSeconds;
foreach (var t in best!.Values) t.Dispose();
Console.WriteLine($"bidirectional GRU (best validation epoch {bestEpoch}): test accuracy {testAccuracy:P2} vs bag-of-words {baselineAccuracy:P2} ({trainSeconds:F1} s)");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"test_accuracy\": {testAccuracy:F4}, \"baseline_accuracy\": {baselineAccuracy:F4}, \"classes\": {classNames.Length}, \"test_size\": {testIdx.Length}, \"best_epoch\": {bestEpoch}, \"train_seconds\": {trainSeconds:F1}, \"quick\": {(quick ? "true" : "false")}}}"));
return 0;

int? IntArg(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null; }
double? DoubleArg(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : null; }

double Accuracy(Model m, int[] idx)
{
    m.Eval();
    using var noGrad = GradMode.NoGrad();
    int correct = 0;
    foreach (var batch in Sequences.BatchesByLength(idx.Select(i => encoded[i].Length).ToArray(), batchSize: 64, seed: 0))
    {
        using var scope = Tensor.Scope();
        var x = Sequences.Pad(batch.Select(b => encoded[idx[b]]).ToArray(), padding: PadSide.Post);
        var predicted = m.Invoke(x).Argmax(1).ToArray<long>();
        for (int k = 0; k < batch.Length; k++) if (predicted[k] == labels[idx[batch[k]]]) correct++;
    }
    m.Train();
    return (double)correct / idx.Length;
}

// A copy of the weights outside every scope (the best epoch's, restored at the end).
static Dictionary<string, Tensor> Snapshot(Module m)
{
    using var noGrad = GradMode.NoGrad();
    return m.StateDict().ToDictionary(kv => kv.Key, kv =>
    {
        var copy = kv.Value.Detach().Clone();
        TensorScope.Current?.Keep(copy);
        return copy;
    });
}

static (int[] Train, int[] Val, int[] Test) StratifiedSplit(List<int> labels, int classes, double testFraction, double valFraction, Generator g)
{
    var train = new List<int>();
    var val = new List<int>();
    var test = new List<int>();
    for (int c = 0; c < classes; c++)
    {
        var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray();
        for (int i = members.Length - 1; i > 0; i--) { int j = g.NextInt(i + 1); (members[i], members[j]) = (members[j], members[i]); }
        int nTest = (int)Math.Round(members.Length * testFraction), nVal = (int)Math.Round(members.Length * valFraction);
        test.AddRange(members[..nTest]);
        val.AddRange(members[nTest..(nTest + nVal)]);
        train.AddRange(members[(nTest + nVal)..]);
    }
    return (train.Order().ToArray(), val.Order().ToArray(), test.Order().ToArray());
}

static string FindData(string relative)
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
    {
        var candidate = Path.Combine(d.FullName, relative);
        if (Directory.Exists(candidate)) return candidate;
    }
    return relative;
}
