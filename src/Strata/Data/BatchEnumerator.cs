using System.Collections;
using System.Runtime.ExceptionServices;

namespace Strata.Data;

/// <summary>
/// One epoch of a <see cref="DataLoader"/>. With prefetch, batch i+1 is prepared on a background thread while the
/// consumer holds batch i; at most one batch is in preparation at a time, so the staging buffer and the transform
/// generator need no locking. The thread lives for the epoch and is joined when the enumerator is disposed
/// (<c>foreach</c> does this, on completion, <c>break</c> or exception).
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
    private readonly SemaphoreSlim _request = new(0);
    private readonly SemaphoreSlim _ready = new(0);
    private Thread? _worker;
    private int _requested;
    private bool _outstanding;
    private volatile bool _stop;
    private Batch? _result;
    private ExceptionDispatchInfo? _error;
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
                if (!_outstanding) Request(_next);
                batch = Collect();
                if (_next + 1 < _count) Request(_next + 1);
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

    // Prefetch runs on a dedicated thread per epoch rather than the shared thread pool, so a busy or starved
    // pool (blocking callers, test runners) cannot stall it. Requests and results pass one at a time through
    // two semaphores, which also order the memory accesses between the threads.
    private void Request(int index)
    {
        if (_worker is null)
        {
            Interlocked.Increment(ref _loader._runningWorkers);
            _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "Strata DataLoader prefetch" };
            _worker.Start();
        }
        _requested = index;
        _outstanding = true;
        _request.Release();
    }

    private Batch Collect()
    {
        _ready.Wait();
        _outstanding = false;
        var (batch, error) = (_result, _error);
        (_result, _error) = (null, null);
        error?.Throw(); // the worker's exception, with its original stack
        return batch!;
    }

    private void WorkerLoop()
    {
        try
        {
            while (true)
            {
                _request.Wait();
                if (_stop) return;
                try { _result = Prepare(_requested); }
                catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
                _ready.Release();
            }
        }
        finally { Interlocked.Decrement(ref _loader._runningWorkers); }
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
        if (_outstanding)
        {
            // A batch was requested but never handed out: wait for it and release it.
            _ready.Wait();
            _outstanding = false;
            _result?.Dispose();
            (_result, _error) = (null, null);
        }
        if (_worker is { } worker)
        {
            _stop = true;
            _request.Release();
            worker.Join();
            _worker = null;
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
