using Strata.Autograd;
using Strata.NN;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// Inference of the seed models in eval mode without autograd: per-call latency (µs, lower is better) at batch 1,
/// throughput (samples/s) at batch 256. One rep = a fixed number of calls; the figure uses the median rep.
/// </summary>
public sealed class InferWorkloads : IWorkloadFamily
{
    public IEnumerable<IBenchmark> Create()
    {
        foreach (int batch in new[] { 1, 256 })
        {
            yield return new Infer("mlp", batch, batch == 1 ? 300 : 100, SeedModels.StrataMlp, SeedModels.TorchMlp);
            yield return new Infer("cnn", batch, batch == 1 ? 300 : 10, SeedModels.StrataCnn, SeedModels.TorchCnn);
        }
    }

    private sealed class Infer : IWorkload
    {
        private readonly int _batch, _calls;
        private readonly Func<ulong, Sequential> _strataModel;
        private readonly Func<ulong, torch.nn.Module<torch.Tensor, torch.Tensor>> _torchModel;
        private Sequential? _model;
        private Tensor? _input;
        private torch.nn.Module<torch.Tensor, torch.Tensor>? _tmodel;
        private torch.Tensor? _tinput;

        public Infer(string model, int batch, int calls, Func<ulong, Sequential> strataModel, Func<ulong, torch.nn.Module<torch.Tensor, torch.Tensor>> torchModel)
        {
            Name = $"infer/{model}/batch={batch}";
            _batch = batch;
            // Same call counts as the Python peer (pytorch_bench.py), chosen so a rep lasts at least ~20 ms (the
            // batch-256 MLP had 10 calls, a 2-3 ms rep).
            _calls = calls;
            _strataModel = strataModel;
            _torchModel = torchModel;
        }

        public string Name { get; }
        public string Unit => IsLatency ? "µs" : "samples/s";
        public bool IsLatency => _batch == 1;
        public double WorkPerRep => IsLatency ? _calls : (double)_calls * _batch;
        public int Reps => 11;
        public bool HasLibtorch => true;

        public void Setup()
        {
            _model = _strataModel(TrainData.Seed);
            _model.Eval();
            _input = Tensor.Rand(new[] { _batch, 1, 28, 28 }, new Generator(TrainData.Seed));
            _tmodel = _torchModel(TrainData.Seed);
            _tmodel.eval();
            _tinput = torch.tensor(_input.ToArray<float>(), _batch, 1, 28, 28);
        }

        public void RunStrata()
        {
            using var noGrad = GradMode.NoGrad();
            for (int i = 0; i < _calls; i++)
            {
                using var scope = Tensor.Scope();
                _model!.Invoke(_input!);
            }
        }

        public void RunLibtorch()
        {
            using var noGrad = torch.no_grad();
            for (int i = 0; i < _calls; i++)
            {
                using var scope = torch.NewDisposeScope();
                _tmodel!.call(_tinput!);
            }
        }

        public void Teardown()
        {
            if (_model != null) SeedModels.Release(_model);
            _input?.Dispose();
            _tmodel?.Dispose();
            _tinput?.Dispose();
        }
    }
}
