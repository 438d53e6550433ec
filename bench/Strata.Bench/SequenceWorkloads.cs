using TorchSharp;
using static TorchSharp.torch.nn;

namespace Strata.Bench;

/// <summary>
/// Recurrent and attention training steps (steps/s). Strata has no LSTM or attention layer yet (the sequence issue),
/// so its column stays empty; the peers are measured so the comparison is ready when the layers land.
/// lstm/step: LSTM(64→128), input (seq 50, batch 32, 64), MSE to a fixed target, backward, Adam(1e-3).
/// attention/step: MultiheadAttention(embed 128, 4 heads) self-attention on (seq 64, batch 32, 128), same loss and step.
/// </summary>
public sealed class SequenceWorkloads : IWorkloadFamily
{
    public IEnumerable<IBenchmark> Create()
    {
        yield return new Lstm();
        yield return new Attention();
    }

    private abstract class PeerOnlyStep : IWorkload
    {
        // Steps per rep, as in pytorch_bench.py.
        protected const int Steps = 5;
        protected torch.Tensor? Input, Target;
        protected torch.optim.Optimizer? Adam;

        public abstract string Name { get; }
        public string Unit => "steps/s";
        public double WorkPerRep => Steps;
        public int Reps => 7;
        public bool HasStrata => false;
        public bool HasLibtorch => true;

        public void RunStrata() => throw new InvalidOperationException($"{Name}: Strata has no implementation of this workload yet.");

        public void RunLibtorch()
        {
            for (int i = 0; i < Steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                Adam!.zero_grad();
                torch.nn.functional.mse_loss(Forward(Input!), Target!).backward();
                Adam.step();
            }
        }

        protected abstract torch.Tensor Forward(torch.Tensor x);
        public abstract void Setup();

        public virtual void Teardown()
        {
            Input?.Dispose();
            Target?.Dispose();
        }
    }

    private sealed class Lstm : PeerOnlyStep
    {
        private TorchSharp.Modules.LSTM? _lstm;

        public override string Name => "lstm/step";

        public override void Setup()
        {
            torch.manual_seed((long)TrainData.Seed);
            _lstm = LSTM(64, 128);
            Input = torch.randn(50, 32, 64);
            Target = torch.randn(50, 32, 128);
            Adam = torch.optim.Adam(_lstm.parameters(), lr: 1e-3);
        }

        protected override torch.Tensor Forward(torch.Tensor x) => _lstm!.call(x).Item1;

        public override void Teardown()
        {
            base.Teardown();
            _lstm?.Dispose();
        }
    }

    private sealed class Attention : PeerOnlyStep
    {
        private TorchSharp.Modules.MultiheadAttention? _mha;

        public override string Name => "attention/step";

        public override void Setup()
        {
            torch.manual_seed((long)TrainData.Seed);
            _mha = MultiheadAttention(128, 4);
            Input = torch.randn(64, 32, 128);
            Target = torch.randn(64, 32, 128);
            Adam = torch.optim.Adam(_mha.parameters(), lr: 1e-3);
        }

        protected override torch.Tensor Forward(torch.Tensor x) => _mha!.call(x, x, x, null, false, null).Item1;

        public override void Teardown()
        {
            base.Teardown();
            _mha?.Dispose();
        }
    }
}
