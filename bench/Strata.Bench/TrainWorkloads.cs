using Strata.NN;
using Strata.Optim;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// Training throughput (samples/s) on a fixed shuffled slice of Fashion-MNIST, batch 64, Adam lr 1e-3; one rep = the
/// whole slice, one warm-up slice first. Per batch: index-select of the batch, zero-grad, forward, cross-entropy,
/// backward, Adam step; Strata as a plain PyTorch-style loop with one <see cref="Tensor.Scope"/> per step.
/// </summary>
public sealed class TrainWorkloads : IWorkloadFamily
{
    private readonly string _dataDirectory;

    public TrainWorkloads(string dataDirectory) => _dataDirectory = dataDirectory;

    public IEnumerable<IBenchmark> Create()
    {
        yield return new Train("mlp", _dataDirectory, SeedModels.StrataMlp, SeedModels.TorchMlp);
        yield return new Train("cnn", _dataDirectory, SeedModels.StrataCnn, SeedModels.TorchCnn);
    }

    /// <summary>One model's training loop in Strata and libtorch; also the body of the memory child processes.</summary>
    public sealed class Train : IWorkload
    {
        private readonly string _dataDirectory;
        private readonly Func<ulong, Sequential> _strataModel;
        private readonly Func<ulong, torch.nn.Module<torch.Tensor, torch.Tensor>> _torchModel;
        private TrainData? _data;
        private Sequential? _model;
        private Adam? _adam;
        private Tensor[]? _batches;
        private ReadOnlyMemory<long>[]? _batchIndices;
        private torch.nn.Module<torch.Tensor, torch.Tensor>? _tmodel;
        private torch.optim.Optimizer? _tadam;
        private TorchTrainData? _tdata;

        public Train(string model, string dataDirectory, Func<ulong, Sequential> strataModel, Func<ulong, torch.nn.Module<torch.Tensor, torch.Tensor>> torchModel)
        {
            Name = $"train/{model}/fashion-mnist";
            _dataDirectory = dataDirectory;
            _strataModel = strataModel;
            _torchModel = torchModel;
        }

        public string Name { get; }

        /// <summary>When set (by --check), every batch's loss is appended, Strata's and libtorch's to their own list.</summary>
        public (List<double> Strata, List<double> Libtorch)? Losses { get; set; }

        public string Unit => "samples/s";
        public double WorkPerRep => (double)_data!.Batches * TrainData.BatchSize;
        public int Reps => 3;
        public int WarmUps => 1;
        public bool HasLibtorch => true;

        public void Setup()
        {
            SetupStrata();
            SetupLibtorch();
        }

        public void SetupStrata()
        {
            _data = TrainData.Shared(_dataDirectory);
            _model = _strataModel(TrainData.Seed);
            _model.Train();
            _adam = new Adam(_model.Parameters(), lr: 1e-3);
            _batches = new Tensor[_data.Batches];
            for (int b = 0; b < _batches.Length; b++)
                _batches[b] = Tensor.FromArray(_data.Slice.AsSpan(b * TrainData.BatchSize, TrainData.BatchSize).ToArray(), TrainData.BatchSize);
            _batchIndices = Enumerable.Range(0, _data.Batches).Select(b => (ReadOnlyMemory<long>)_data.Slice.AsMemory(b * TrainData.BatchSize, TrainData.BatchSize)).ToArray();
        }

        /// <summary>libtorch side only, with its own copy of the data (the memory child: no Strata tensors).</summary>
        public void SetupLibtorch()
        {
            _tdata = TorchTrainData.Shared(_dataDirectory);
            _tmodel = _torchModel(TrainData.Seed);
            _tmodel.train();
            _tadam = torch.optim.Adam(_tmodel.parameters(), lr: 1e-3);
        }

        public void RunStrata()
        {
            for (int b = 0; b < _batches!.Length; b++)
            {
                using var scope = Tensor.Scope();
                var idx = _batches[b];
                var x = _data!.Batch(_batchIndices![b].Span);
                var y = _data.Y.IndexSelect(0, idx);
                _adam!.ZeroGrad();
                var loss = Functional.CrossEntropy(_model!.Invoke(x), y);
                loss.Backward();
                Losses?.Strata.Add(loss.Item());
                _adam.Step();
            }
        }

        public void RunLibtorch()
        {
            for (int b = 0; b < _tdata!.Batches; b++)
            {
                using var scope = torch.NewDisposeScope();
                var idx = _tdata.Slice.narrow(0, b * TrainData.BatchSize, TrainData.BatchSize);
                var x = _tdata.Batch(idx);
                var y = _tdata.Y.index_select(0, idx);
                _tadam!.zero_grad();
                var loss = torch.nn.functional.cross_entropy(_tmodel!.call(x), y);
                loss.backward();
                Losses?.Libtorch.Add(loss.item<float>());
                _tadam.step();
            }
        }

        public void Teardown()
        {
            if (_batches != null) foreach (var t in _batches) t.Dispose();
            if (_model != null) SeedModels.Release(_model);
            _tmodel?.Dispose();
            _batches = null;
        }
    }
}
