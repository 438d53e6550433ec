using System.Collections;

namespace Strata.Data;

/// <summary>
/// One epoch of a <see cref="DataLoader"/>. With prefetch, batch i+1 is prepared on a thread-pool task while the
/// consumer holds batch i; at most one task runs at a time, so the staging buffer and the transform generator
/// need no locking.
/// </summary>
internal sealed class BatchEnumerator : IEnumerator<Batch>
{
    private readonly DataLoader _loader;
    private readonly int _epoch;
    private readonly int[] _order;
    private readonly int _count;
    private readonly Generator _random = new(0);
    private int _next;
    private bool _finished;
    private Task<Batch>? _pending;
    private volatile bool _cancelled;
    private Tensor? _staging;
    private Batch? _current;

    public BatchEnumerator(DataLoader loader, int epoch)
    {
        _loader = loader;
        _epoch = epoch;
        _order = loader.EpochOrder(epoch);
        _count = loader.BatchCount;
    }

    public Batch Current => _current ?? throw new InvalidOperationException("DataLoader: Current was read before MoveNext or after the epoch ended.");

    object IEnumerator.Current => Current;

    public bool MoveNext()
    {
        _current = null;
        if (_finished) return false;
        if (_next >= _count)
        {
            Finish();
            return false;
        }
        try
        {
            Batch batch;
            if (_loader.Prefetch)
            {
                var task = _pending ?? Start(_next);
                _pending = null;
                batch = task.GetAwaiter().GetResult(); // rethrows the worker's exception with its original stack
                if (_next + 1 < _count) _pending = Start(_next + 1);
            }
            else batch = Prepare(_next);
            _current = batch;
            _next++;
            return true;
        }
        catch
        {
            Finish();
            throw;
        }
    }

    private Task<Batch> Start(int index)
    {
        Interlocked.Increment(ref _loader._runningTasks);
        return Task.Run(() =>
        {
            try { return Prepare(index); }
            finally { Interlocked.Decrement(ref _loader._runningTasks); }
        });
    }

    private Batch Prepare(int index)
    {
        if (_cancelled) throw new OperationCanceledException("DataLoader: the epoch was abandoned.");
        var dataset = _loader.Dataset;
        int start = index * _loader.BatchSize;
        int size = Math.Min(_loader.BatchSize, dataset.Count - start);
        ReadOnlySpan<int> indices = _order.AsSpan(start, size);
        var x = HostTensor.Allocate("DataLoader", Dataset.Prepend(size, _loader.OutputSampleShape), dataset.SampleDType);
        var y = HostTensor.Allocate("DataLoader", Dataset.Prepend(size, dataset.LabelShape), dataset.LabelDType);
        try
        {
            if (_loader.Transform is not { } transform) dataset.GetBatch(indices, x, y);
            else
            {
                if (_staging is null || _staging.Size(0) != size)
                {
                    _staging?.Dispose();
                    _staging = HostTensor.Allocate("DataLoader", Dataset.Prepend(size, dataset.SampleShape), DType.Float32);
                }
                dataset.GetBatch(indices, _staging, y);
                var src = HostTensor.Elements<float>(_staging, "DataLoader");
                var dst = HostTensor.Elements<float>(x, "DataLoader");
                int inN = (int)dataset.SampleShape.Numel, outN = (int)_loader.OutputSampleShape.Numel;
                for (int k = 0; k < size; k++)
                {
                    if (_cancelled) throw new OperationCanceledException("DataLoader: the epoch was abandoned.");
                    // Each sample's stream depends on (seed, epoch, position) only: reproducible and order-free.
                    _random.Reset(SeedSequence.Derive(_loader.Seed, (ulong)_epoch, (ulong)(start + k) + 2));
                    transform.Apply(src.Slice(k * inN, inN), dataset.SampleShape, dst.Slice(k * outN, outN), _random);
                }
            }
            return new Batch(x, y, index);
        }
        catch
        {
            x.Dispose();
            y.Dispose();
            throw;
        }
    }

    private void Finish()
    {
        _finished = true;
        _cancelled = true;
        if (_pending is { } task)
        {
            _pending = null;
            try { task.GetAwaiter().GetResult().Dispose(); }
            catch { /* the batch was never handed out; its failure (or cancellation) no longer matters */ }
        }
        _staging?.Dispose();
        _staging = null;
    }

    /// <summary>Stops the epoch: waits for the background task and disposes the batch it prepared, if any.</summary>
    public void Dispose()
    {
        _current = null;
        Finish();
    }

    public void Reset() => throw new NotSupportedException("DataLoader: an epoch cannot be restarted; enumerate the loader again for the next epoch.");
}
