using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// Forward + backward of the seed CNN's second convolution alone: x [64, 32, 13, 13] (requires grad, as inside the
/// network), weight [64, 32, 3, 3], bias [64], upstream gradient of ones; samples/s (64 per rep). Gradients are
/// cleared before each call so every call does the same work. A rep is <see cref="Calls"/> calls (as in
/// pytorch_bench.py): with one call per rep (~4 ms) Strata's figure was mostly the start after the runner's idle wait
/// for the PyTorch peer, the other core's vCPU waking up (7 Dec: 3.6 ms back to back, 6.9 ms after 20 ms of idle,
/// the speed of one thread; `ConvProfile --conv`), while libtorch's rep always follows Strata's with both cores awake.
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
        private const int Calls = 20;
        private Tensor? _x, _w, _b, _grad;
        private torch.Tensor? _tx, _tw, _tb, _tgrad;

        public string Name => "conv2d/fwd-bwd/seed-cnn";
        public string Unit => "samples/s";
        public double WorkPerRep => N * Calls;
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
            for (int i = 0; i < Calls; i++)
            {
                foreach (var t in new[] { _x!, _w!, _b! })
                {
                    t.Grad?.Dispose();
                    t.Grad = null;
                }
                using var scope = Tensor.Scope();
                Functional.Conv2d(_x!, _w!, _b).Backward(_grad);
            }
        }

        public void RunLibtorch()
        {
            for (int i = 0; i < Calls; i++)
            {
                foreach (var t in new[] { _tx!, _tw!, _tb! })
                {
                    t.grad?.Dispose();
                    t.grad = null;
                }
                using var scope = torch.NewDisposeScope();
                torch.nn.functional.conv2d(_tx!, _tw!, _tb).backward(new[] { _tgrad! });
            }
        }

        public void Teardown()
        {
            foreach (var t in new[] { _x, _w, _b, _grad }) { t?.Grad?.Dispose(); t?.Dispose(); }
            foreach (var t in new[] { _tx, _tw, _tb, _tgrad }) t?.Dispose();
        }
    }
}
