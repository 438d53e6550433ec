// Character-level LSTM language model on fortune cookies (data/text/fortunes, Debian's `fortunes` package).
// Trains on random windows with truncated back-propagation, reports validation bits per character against the
// unigram baseline, prints a sample generated from a seed string, and ends with one JSON line.
// Usage: dotnet run -c Release --project examples/CharLanguageModel [-- --quick] [--data DIR] [--steps N] [--hidden N] [--lr X]
using System.Diagnostics;
using System.Globalization;
using Strata;
using Strata.Autograd;
using Strata.Data.Text;
using Strata.Optim;
using Strata.Optim.Schedules;

bool quick = args.Contains("--quick");
string dir = Option("--data") ?? FindData("data/text/fortunes");

// Every 10th fortune of each file is held out, so validation text is unseen but from the same distribution.
var (trainText, valText) = Fortunes.LoadSplit(dir, holdOutEvery: 10);
var tokenizer = CharTokenizer.Fit(new[] { trainText });
int vocab = tokenizer.VocabSize;
int[] train = tokenizer.Encode(trainText), val = tokenizer.Encode(valText);
Console.WriteLine($"{dir}: {train.Length:N0} training and {val.Length:N0} validation characters, vocabulary {vocab} (2 reserved ids)");

double unigramBpc = UnigramBpc(train, val, vocab);
Console.WriteLine($"unigram baseline: {unigramBpc:F3} bits/char on validation");

const int seqLen = 64, batch = 32, embed = 32;
int hidden = int.Parse(Option("--hidden") ?? "256", CultureInfo.InvariantCulture);
int steps = int.Parse(Option("--steps") ?? (quick ? "600" : "3000"), CultureInfo.InvariantCulture);
double lr = double.Parse(Option("--lr") ?? "3e-3", CultureInfo.InvariantCulture);
var gen = new Generator(1234);
Generator.ManualSeed(1234);
var model = new CharLstm(vocab, embed, hidden, layers: 1, dropout: 0, generator: gen);
var optimizer = new Adam(model.Parameters(), lr: lr);
var schedule = new CosineAnnealingLR(optimizer, tMax: steps, etaMin: lr / 10);
Console.WriteLine($"LSTM 1×{hidden}, embedding {embed}, {model.Parameters().Sum(p => p.Data.Numel):N0} parameters; {steps} steps of {batch}×{seqLen} characters{(quick ? " (--quick)" : "")}");

var sw = Stopwatch.StartNew();
double runningLoss = 0;
var x = new long[batch * seqLen];
var y = new long[batch * seqLen];
for (int step = 1; step <= steps; step++)
{
    for (int b = 0; b < batch; b++)
    {
        int start = gen.NextInt(train.Length - seqLen - 1);
        for (int t = 0; t < seqLen; t++) { x[b * seqLen + t] = train[start + t]; y[b * seqLen + t] = train[start + t + 1]; }
    }
    using (var scope = Tensor.Scope())
    {
        optimizer.ZeroGrad();
        var logits = model.Invoke(Tensor.FromArray(x, batch, seqLen));
        var loss = Functional.CrossEntropy(logits.Reshape(batch * seqLen, vocab), Tensor.FromArray(y, batch * seqLen));
        loss.Backward();
        ClipGrad.Norm(model.Parameters(), 1.0);
        optimizer.Step();
        schedule.Step();
        runningLoss = step == 1 ? loss.Item() : 0.98 * runningLoss + 0.02 * loss.Item();
    }
    if (step % 100 == 0 || step == steps)
        Console.WriteLine($"step {step,5}/{steps}  train {runningLoss / Math.Log(2):F3} bits/char  {sw.Elapsed.TotalSeconds:F0} s");
}
double trainSeconds = sw.Elapsed.TotalSeconds;

sw.Restart();
double valBpc = ValidationBpc(model, val, vocab);
Console.WriteLine($"validation: {valBpc:F3} bits/char (unigram {unigramBpc:F3}), scored in {sw.Elapsed.TotalSeconds:F1} s");

const string seed = "The computer ";
string sample = Generate(model, tokenizer, seed, length: 300, temperature: 0.7, new Generator(7));
Console.WriteLine($"--- sample (temperature 0.7, seed \"{seed}\") ---");
Console.WriteLine(seed + sample);
Console.WriteLine("---");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"val_bpc\": {valBpc:F4}, \"unigram_bpc\": {unigramBpc:F4}, \"train_seconds\": {trainSeconds:F1}, \"steps\": {steps}, \"quick\": {(quick ? "true" : "false")}}}"));
return 0;

// Cross-entropy in bits of the training set's character frequencies (add-one smoothed, so an unseen id costs
// finite bits) on the validation text: what a model that ignores context achieves.
static double UnigramBpc(int[] train, int[] val, int vocab)
{
    var counts = new double[vocab];
    foreach (var id in train) counts[id]++;
    double total = train.Length + vocab;
    return val.Average(id => -Math.Log2((counts[id] + 1) / total));
}

// Scores the validation text as 16 contiguous streams, chunk by chunk with the LSTM state carried over, so every
// character (after the first of each stream) is predicted with its full left context.
static double ValidationBpc(CharLstm model, int[] val, int vocab)
{
    const int streams = 16, chunk = 128;
    int perStream = (val.Length - 1) / streams;
    model.Eval();
    using var noGrad = GradMode.NoGrad();
    (Tensor H, Tensor C)? state = null;
    double nats = 0;
    long count = 0;
    for (int from = 0; from < perStream; from += chunk)
    {
        int len = Math.Min(chunk, perStream - from);
        var x = new long[streams * len];
        var y = new long[streams * len];
        for (int s = 0; s < streams; s++)
            for (int t = 0; t < len; t++) { x[s * len + t] = val[s * perStream + from + t]; y[s * len + t] = val[s * perStream + from + t + 1]; }
        using var scope = Tensor.Scope();
        var (logits, next) = model.Step(Tensor.FromArray(x, streams, len), state);
        nats += Functional.CrossEntropy(logits.Reshape(streams * len, vocab), Tensor.FromArray(y, streams * len), reduction: Reduction.Sum).Item();
        count += streams * len;
        state?.H.Dispose();
        state?.C.Dispose();
        state = (scope.Keep(next.H), scope.Keep(next.C));
    }
    state?.H.Dispose();
    state?.C.Dispose();
    model.Train();
    return nats / count / Math.Log(2);
}

// Feeds the seed, then samples one character at a time from softmax(logits / temperature), carrying the state.
static string Generate(CharLstm model, CharTokenizer tokenizer, string seed, int length, double temperature, Generator gen)
{
    model.Eval();
    using var noGrad = GradMode.NoGrad();
    var ids = tokenizer.Encode(seed);
    var output = new List<int>();
    (Tensor H, Tensor C)? state = null;
    long[] input = ids.Select(i => (long)i).ToArray();
    for (int k = 0; k < length; k++)
    {
        using var scope = Tensor.Scope();
        var (logits, next) = model.Step(Tensor.FromArray(input, 1, input.Length), state);
        var probs = logits.Select(1, input.Length - 1).Div(temperature).Softmax(-1).ToArray<float>();
        // Reserved ids (padding, unknown) are never emitted.
        probs[Tokenizer.PadId] = 0;
        probs[Tokenizer.UnknownId] = 0;
        double u = gen.NextDouble() * probs.Sum(), acc = 0;
        int pick = probs.Length - 1;
        for (int i = 0; i < probs.Length; i++) { acc += probs[i]; if (u < acc) { pick = i; break; } }
        output.Add(pick);
        input = new[] { (long)pick };
        state?.H.Dispose();
        state?.C.Dispose();
        state = (scope.Keep(next.H), scope.Keep(next.C));
    }
    state?.H.Dispose();
    state?.C.Dispose();
    model.Train();
    return tokenizer.Decode(output.ToArray());
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    if (i < 0) return null;
    return i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"CharLanguageModel: {name} needs a value.");
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
