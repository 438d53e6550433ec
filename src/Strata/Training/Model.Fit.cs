using System.Diagnostics;
using Strata.Autograd;
using Strata.Data;
using Strata.Training.Callbacks;

namespace Strata.Training;

public partial class Model
{
    /// <summary>
    /// Trains on tensors (Keras <c>model.fit(x, y)</c>): <paramref name="x"/> is [N, ...] float, <paramref name="y"/> is
    /// [N] int labels or [N, ...] float targets. <paramref name="validationSplit"/> holds out the last fraction of the
    /// samples (before shuffling, as Keras does) when no <paramref name="validationData"/> is given.
    /// </summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, (Tensor X, Tensor Y)? validationData = null,
        double validationSplit = 0, IEnumerable<Callback>? callbacks = null, bool shuffle = true,
        IReadOnlyDictionary<int, double>? classWeight = null, int verbose = 1, int initialEpoch = 0, int? seed = null)
    {
        using var train = new TensorDataset(x, y);
        using var val = validationData is { } v ? new TensorDataset(v.X, v.Y) : null;
        return Fit(train, epochs, batchSize, val, validationSplit, callbacks, shuffle, classWeight, verbose, initialEpoch, seed);
    }

    /// <summary>Trains on a dataset; see the tensor overload for the arguments.</summary>
    public History Fit(Dataset data, int epochs = 1, int batchSize = 32, Dataset? validationData = null,
        double validationSplit = 0, IEnumerable<Callback>? callbacks = null, bool shuffle = true,
        IReadOnlyDictionary<int, double>? classWeight = null, int verbose = 1, int initialEpoch = 0, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (validationSplit < 0 || validationSplit >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"Fit: validationSplit must be in [0, 1), got {validationSplit}.");
        if (validationSplit > 0 && validationData is null)
        {
            int nVal = (int)Math.Floor(data.Count * validationSplit);
            if (nVal == 0 || nVal == data.Count)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {data.Count} samples leaves an empty training or validation set.");
            int nTrain = data.Count - nVal;
            validationData = new Subset(data, Enumerable.Range(nTrain, nVal).ToArray());
            data = new Subset(data, Enumerable.Range(0, nTrain).ToArray());
        }
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Fit: batchSize must be positive, got {batchSize}.");
        var loader = new DataLoader(data, batchSize, shuffle: shuffle, seed: seed ?? Environment.TickCount, dropLast: false);
        return Fit(loader, epochs, validationData, callbacks, classWeight, verbose, initialEpoch);
    }

    /// <summary>
    /// Trains from a <see cref="DataLoader"/> (which decides batching, shuffling and augmentation). Epochs run from
    /// <paramref name="initialEpoch"/> to <paramref name="epochs"/> − 1, as Keras counts them, so a resumed run passes
    /// the epoch it stopped at.
    /// </summary>
    public History Fit(DataLoader train, int epochs = 1, Dataset? validationData = null, IEnumerable<Callback>? callbacks = null,
        IReadOnlyDictionary<int, double>? classWeight = null, int verbose = 1, int initialEpoch = 0)
    {
        RequireCompiled(nameof(Fit));
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Fit: epochs must be non-negative, got {epochs}.");
        if (initialEpoch < 0 || initialEpoch > epochs)
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), $"Fit: initialEpoch must be in [0, epochs={epochs}], got {initialEpoch}.");
        if (train.Dataset.Count == 0) throw new ArgumentException("Fit: the training data is empty.");

        if (!IsBuilt) BuildFor(BatchShape(train.Dataset), train.Dataset.SampleDType);
        var optimizer = EnsureOptimizer();

        var history = new History();
        var all = new List<Callback>();
        if (verbose > 0) all.Add(new ProgressBar(verbose));
        if (callbacks is not null) all.AddRange(callbacks);
        all.Add(history);
        var fitParams = new FitParams(epochs, initialEpoch, train.BatchCount, train.Dataset.Count, train.BatchSize,
            validationData is not null, Metrics.Select(m => m.Name).ToArray());
        foreach (var c in all) { c.Model = this; c.Params = fitParams; }

        var logs = new Dictionary<string, double>();
        StopTraining = false;
        foreach (var c in all) c.OnTrainBegin(logs);
        var classWeights = ClassWeightTable(classWeight);
        for (int epoch = initialEpoch; epoch < epochs && !StopTraining; epoch++)
        {
            foreach (var c in all) c.OnEpochBegin(epoch);
            logs.Clear();
            RunTrainEpoch(train, epoch, optimizer, classWeights, HasRegularizers, all, logs);
            if (validationData is not null)
            {
                var val = EvaluateCore(validationData, train.BatchSize);
                foreach (var (k, v) in val) logs["val_" + k] = v;
            }
            Epoch = epoch + 1;
            foreach (var c in all) c.OnEpochEnd(epoch, logs);
        }
        foreach (var c in all) c.OnTrainEnd(logs);
        foreach (var c in all) if (c is IStopReason { StopReason: { } why }) history.StopReason ??= why;
        return history;
    }

    private void RunTrainEpoch(DataLoader train, int epoch, Optim.Optimizer optimizer, float[]? classWeights,
        bool regularized, List<Callback> callbacks, Dictionary<string, double> logs)
    {
        Train();
        train.SetEpoch(epoch);
        foreach (var m in Metrics) m.Reset();
        double lossSum = 0;
        long seen = 0;
        int batchIndex = 0;
        foreach (var batch in train)
        {
            using (batch)
            {
                foreach (var c in callbacks) c.OnBatchBegin(batchIndex);
                double lossValue;
                using (var scope = Tensor.Scope())
                {
                    optimizer.ZeroGrad();
                    var yPred = Invoke(batch.X);
                    var weights = classWeights is null ? null : SampleWeights(batch.Y, classWeights);
                    var loss = Loss!.Forward(yPred, batch.Y, weights);
                    if (loss.Numel != 1)
                        throw new InvalidOperationException($"Fit: the loss {Loss.Name} returned shape {loss.Shape}; training needs a scalar (use Reduction.Mean or Sum).");
                    var total = regularized ? loss + RegularizationLoss() : loss;
                    lossValue = loss.Item();
                    total.Backward();
                    optimizer.Step();
                    using (GradMode.NoGrad())
                        foreach (var m in Metrics) m.Update(yPred, batch.Y);
                }
                lossSum += lossValue * batch.Size;
                seen += batch.Size;
                logs["loss"] = lossSum / seen;
                foreach (var m in Metrics) logs[m.Name] = m.Result();
                foreach (var c in callbacks) c.OnBatchEnd(batchIndex, logs);
                batchIndex++;
                if (StopTraining) break;
            }
        }
    }


    /// <summary>
    /// Returns the loss and each metric over <paramref name="x"/>, <paramref name="y"/> in evaluation mode
    /// (Keras <c>model.evaluate</c>, with <c>return_dict=True</c>).
    /// </summary>
    public Dictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        using var data = new TensorDataset(x, y);
        return Evaluate(data, batchSize);
    }

    /// <summary>Evaluates on a dataset; see the tensor overload.</summary>
    public Dictionary<string, double> Evaluate(Dataset data, int batchSize = 32)
    {
        RequireCompiled(nameof(Evaluate));
        ArgumentNullException.ThrowIfNull(data);
        if (!IsBuilt) BuildFor(BatchShape(data), data.SampleDType);
        return EvaluateCore(data, batchSize);
    }

    private Dictionary<string, double> EvaluateCore(Dataset data, int batchSize)
    {
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            foreach (var m in Metrics) m.Reset();
            double lossSum = 0;
            long seen = 0;
            using var noGrad = GradMode.NoGrad();
            var loader = new DataLoader(data, batchSize, shuffle: false, prefetch: true);
            foreach (var batch in loader)
            {
                using (batch)
                using (var scope = Tensor.Scope())
                {
                    var yPred = Invoke(batch.X);
                    lossSum += Loss!.Forward(yPred, batch.Y).Item() * batch.Size;
                    seen += batch.Size;
                    foreach (var m in Metrics) m.Update(yPred, batch.Y);
                }
            }
            var result = new Dictionary<string, double> { ["loss"] = seen == 0 ? double.NaN : lossSum / seen };
            foreach (var m in Metrics) result[m.Name] = m.Result();
            return result;
        }
        finally { Train(wasTraining); }
    }

    /// <summary>
    /// Runs the model in evaluation mode over <paramref name="x"/> ([N, ...]) in batches and returns the stacked
    /// outputs [N, ...] (Keras <c>model.predict</c>). The caller owns the result.
    /// </summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1 || x.Shape[0] == 0) throw new ArgumentException($"Predict: needs a batch [N, ...] with N > 0, got shape {x.Shape}.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Predict: batchSize must be positive, got {batchSize}.");
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            int n = x.Shape[0];
            Tensor? output = null;
            for (int start = 0; start < n; start += batchSize)
            {
                int len = Math.Min(batchSize, n - start);
                using var scope = Tensor.Scope();
                var yPred = Invoke(x.Narrow(0, start, len));
                if (output is null)
                {
                    var shape = yPred.Shape.ToArray();
                    shape[0] = n;
                    // Return: the output belongs to the caller's scope (or to the caller when there is none), like any new tensor.
                    output = scope.Return(Tensor.Zeros(shape, yPred.DType));
                }
                output.Narrow(0, start, len).CopyFrom(yPred);
            }
            return output!;
        }
        finally { Train(wasTraining); }
    }

    private static int[] BatchShape(Dataset data)
    {
        var sample = data.SampleShape.ToArray();
        var shape = new int[sample.Length + 1];
        shape[0] = 1;
        sample.CopyTo(shape, 1);
        return shape;
    }

    private static float[]? ClassWeightTable(IReadOnlyDictionary<int, double>? classWeight)
    {
        if (classWeight is null || classWeight.Count == 0) return null;
        int max = classWeight.Keys.Max();
        if (classWeight.Keys.Min() < 0) throw new ArgumentException("Fit: classWeight keys must be class indices ≥ 0.");
        var table = new float[max + 1];
        Array.Fill(table, 1f);
        foreach (var (k, v) in classWeight)
        {
            if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"Fit: classWeight[{k}] = {v} must be a finite non-negative number.");
            table[k] = (float)v;
        }
        return table;
    }

    /// <summary>Per-sample weights [N] from integer labels (or one-hot rows) and the class-weight table.</summary>
    private static Tensor SampleWeights(Tensor y, float[] table)
    {
        long[] labels;
        using (GradMode.NoGrad())
        {
            labels = y.DType is DType.Int64 or DType.Int32
                ? y.Reshape(-1).To(DType.Int64).ToArray<long>()
                : y.Argmax(-1).Reshape(-1).ToArray<long>();
        }
        var w = new float[labels.Length];
        for (int i = 0; i < w.Length; i++)
        {
            long c = labels[i];
            w[i] = c >= 0 && c < table.Length ? table[c] : 1f;
        }
        return Tensor.FromArray(w, w.Length);
    }
}

/// <summary>Implemented by callbacks that can stop training, so <see cref="History.StopReason"/> can say why.</summary>
public interface IStopReason
{
    /// <summary>A sentence saying why training stopped, or null if it did not.</summary>
    string? StopReason { get; }
}
