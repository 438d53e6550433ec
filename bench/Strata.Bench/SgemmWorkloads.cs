using TorchSharp;

namespace Strata.Bench;

/// <summary>Square float32 C = A·B through the public APIs: Strata's Tensor.Matmul against libtorch's mm.</summary>
public sealed class SgemmWorkloads : IWorkloadFamily
{
    public IEnumerable<IBenchmark> Create()
    {
        foreach (int n in new[] { 128, 256, 512, 1024, 2048 })
            foreach (int t in new[] { 1, 2 })
                yield return new Sgemm(n, t);
    }

    // Products per rep: at least ~40 GFLOP (100-300 ms), so a rep measures the steady rate and not the start after
    // the runner's wait for the peers to go idle, which on this VM lasts tens of ms for a second thread. N=1024 on 2
    // threads, filtered runs in the same minutes: Strata 186-190 GFLOP/s with ~1 GFLOP reps (one product),
    // 219-223 with ~10, 282-322 with ~40 (libtorch 104-110, 133-168, 143-160). Same in pytorch_bench.py.
    internal const double RepGflop = 40;

    internal static int Calls(int n) => Math.Max(1, (int)(RepGflop * 1e9 / (2.0 * n * n * n)));

    private sealed class Sgemm : IWorkload
    {
        private readonly int _n, _threads;
        private Tensor? _a, _b;
        private torch.Tensor? _ta, _tb;

        public Sgemm(int n, int threads)
        {
            _n = n;
            _threads = threads;
            _calls = Calls(n);
        }

        private readonly int _calls;

        public string Name => $"sgemm/N={_n}/threads={_threads}";
        public string Unit => "GFLOP/s";
        public double WorkPerRep => _calls * 2.0 * _n * _n * _n / 1e9;
        public int Reps => _n >= 2048 ? 7 : 11;
        public bool HasLibtorch => true;
        public int? Threads => _threads;

        public void Setup()
        {
            _a = Tensor.Randn(new[] { _n, _n }, new Generator(1));
            _b = Tensor.Randn(new[] { _n, _n }, new Generator(2));
            _ta = torch.randn(_n, _n, dtype: torch.float32);
            _tb = torch.randn(_n, _n, dtype: torch.float32);
        }

        public void RunStrata()
        {
            for (int i = 0; i < _calls; i++)
            {
                using var scope = Tensor.Scope();
                Tensor.Matmul(_a!, _b!);
            }
        }

        public void RunLibtorch()
        {
            for (int i = 0; i < _calls; i++)
            {
                using var c = torch.mm(_ta!, _tb!);
            }
        }

        public void Teardown()
        {
            _a?.Dispose();
            _b?.Dispose();
            _ta?.Dispose();
            _tb?.Dispose();
        }
    }
}
