using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// Forward + backward of the seed CNN's second convolution alone: x [64, 32, 13, 13] (requires grad, as inside the
/// network), weight [64, 32, 3, 3], bias [64], upstream gradient of ones; samples/s (64 per rep). Gradients are
/// cleared before each rep so every rep does the same work.
/// </summary>
public sealed class ConvWorkloads : IWorkloadFamily
{
    public IEnumerable<IBenchmark> Create()
    {
        yield return new ConvFwdBwd();
    }

    private sealed class ConvFwdBwd : IWorkload
    {
        private const int N = 64;
        private Tensor? _x, _w, _b, _grad;
        private torch.Tensor? _tx, _tw, _tb, _tgrad;

        public string Name => "conv2d/fwd-bwd/seed-cnn";
        public string Unit => "samples/s";
        public double WorkPerRep => N;
        public int Reps => 11;
        public bool HasLibtorch => true;

        public void Setup()
        {
            var g = new Generator(TrainData.Seed);
            _x = Tensor.Randn(new[] { N, 32, 13, 13 }, g);
            using (var scope = Tensor.Scope()) _w = scope.Keep(Tensor.Randn(new[] { 64, 32, 3, 3 }, g) * 0.05);
            _b = Tensor.Zeros(64);
            _grad = Tensor.Ones(N, 64, 11, 11);
            foreach (var t in new[] { _x, _w, _b }) t.RequiresGrad = true;
            _tx = torch.tensor(_x.ToArray<float>(), N, 32, 13, 13).requires_grad_();
            _tw = torch.tensor(_w.ToArray<float>(), 64, 32, 3, 3).requires_grad_();
            _tb = torch.zeros(64).requires_grad_();
            _tgrad = torch.ones(N, 64, 11, 11);
        }

        public void RunStrata()
        {
            foreach (var t in new[] { _x!, _w!, _b! })
            {
                t.Grad?.Dispose();
                t.Grad = null;
            }
            using var scope = Tensor.Scope();
            Functional.Conv2d(_x!, _w!, _b).Backward(_grad);
        }

        public void RunLibtorch()
        {
            foreach (var t in new[] { _tx!, _tw!, _tb! })
            {
                t.grad?.Dispose();
                t.grad = null;
            }
            using var scope = torch.NewDisposeScope();
            torch.nn.functional.conv2d(_tx!, _tw!, _tb).backward(new[] { _tgrad! });
        }

        public void Teardown()
        {
            foreach (var t in new[] { _x, _w, _b, _grad }) { t?.Grad?.Dispose(); t?.Dispose(); }
            foreach (var t in new[] { _tx, _tw, _tb, _tgrad }) t?.Dispose();
        }
    }
}
