using TorchSharp;
using static TorchSharp.torch.nn;

namespace Strata.Bench;

/// <summary>
/// Recurrent and attention training steps (steps/s), the same in all three frameworks:
/// lstm/step: LSTM(64→128), input (seq 50, batch 32, 64), MSE to a fixed target, backward, Adam(1e-3).
/// attention/step: one TransformerEncoderLayer (d_model 128, 4 heads, feed-forward 2048, dropout 0.1, train mode) on
/// (seq 64, batch 32, 128), same loss and step. Strata runs batch-first ([32, 64, 128]), the peers sequence-first.
/// </summary>
public sealed class SequenceWorkloads : IWorkloadFamily
{
    public IEnumerable<IBenchmark> Create()
    {
        yield return new Lstm();
        yield return new Attention();
    }

    private abstract class SequenceStep : IWorkload
    {
        // Steps per rep, as in pytorch_bench.py: a rep of at least ~20 ms for every framework, long enough that the
        // other vCPU's wake-up after the runner's idle wait is not a large part of it.
        protected virtual int Steps => 5;
        protected torch.Tensor? Input, Target;
        protected torch.optim.Optimizer? Adam;

        public abstract string Name { get; }
        public string Unit => "steps/s";
        public double WorkPerRep => Steps;
        public int Reps => 7;
        public bool HasStrata => true;
        public bool HasLibtorch => true;

        protected Strata.NN.Module? StrataModel;
        protected Strata.Optim.Adam? StrataAdam;
        protected Strata.Tensor? StrataInput, StrataTarget;

        public void RunStrata()
        {
            for (int i = 0; i < Steps; i++)
            {
                using var scope = Strata.Tensor.Scope();
                StrataAdam!.ZeroGrad();
                var diff = StrataModel!.Invoke(StrataInput!) - StrataTarget!;
                diff.Square().Mean().Backward();
                StrataAdam.Step();
            }
        }

        protected void SetupStrata(Strata.NN.Module model, int[] inputShape, int[] targetShape)
        {
            var g = new Strata.Generator(TrainData.Seed);
            StrataModel = model;
            StrataInput = Strata.Tensor.Randn(inputShape, g);
            StrataTarget = Strata.Tensor.Randn(targetShape, g);
            StrataAdam = new Strata.Optim.Adam(model.Parameters(), 1e-3);
        }

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
            StrataInput?.Dispose();
            StrataTarget?.Dispose();
        }
    }

    private sealed class Lstm : SequenceStep
    {
        private TorchSharp.Modules.LSTM? _lstm;

        public override string Name => "lstm/step";

        // 5 steps (~22 ms for Strata) read 155-172 steps/s in runs 36-39 against 221 with 20 steps (filtered runs,
        // 7 Dec; ConvProfile --lstm: 4.4-4.8 ms per step back to back): one wake-up per rep, not per step.
        protected override int Steps => 20;

        public override void Setup()
        {
            torch.manual_seed((long)TrainData.Seed);
            _lstm = LSTM(64, 128);
            Input = torch.randn(50, 32, 64);
            Target = torch.randn(50, 32, 128);
            Adam = torch.optim.Adam(_lstm.parameters(), lr: 1e-3);
            SetupStrata(new Strata.NN.LSTM(128, inputSize: 64, returnSequences: true, generator: new Strata.Generator(TrainData.Seed)),
                new[] { 32, 50, 64 }, new[] { 32, 50, 128 });
        }

        protected override torch.Tensor Forward(torch.Tensor x) => _lstm!.call(x).Item1;

        public override void Teardown()
        {
            base.Teardown();
            _lstm?.Dispose();
        }
    }

    private sealed class Attention : SequenceStep
    {
        private TorchSharp.Modules.TransformerEncoderLayer? _layer;

        public override string Name => "attention/step";

        public override void Setup()
        {
            torch.manual_seed((long)TrainData.Seed);
            _layer = TransformerEncoderLayer(128, 4);
            _layer.train();
            Input = torch.randn(64, 32, 128);
            Target = torch.randn(64, 32, 128);
            Adam = torch.optim.Adam(_layer.parameters(), lr: 1e-3);
            SetupStrata(new Strata.NN.TransformerEncoderLayer(128, 4, generator: new Strata.Generator(TrainData.Seed)),
                new[] { 32, 64, 128 }, new[] { 32, 64, 128 });
        }

        protected override torch.Tensor Forward(torch.Tensor x) => _layer!.call(x);

        public override void Teardown()
        {
            base.Teardown();
            _layer?.Dispose();
        }
    }
}
