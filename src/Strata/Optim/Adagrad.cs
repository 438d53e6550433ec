using Strata.NN;

namespace Strata.Optim;

/// <summary>Adagrad with learning-rate decay and L2 weight decay (PyTorch's <c>torch.optim.Adagrad</c>).</summary>
public sealed class Adagrad : Optimizer
{
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 0.01, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(parameters, lr)
    {
        if (lrDecay < 0) throw new ArgumentException($"Adagrad: invalid lr decay {lrDecay}.");
        if (weightDecay < 0) throw new ArgumentException($"Adagrad: invalid weight decay {weightDecay}.");
        if (initialAccumulatorValue < 0) throw new ArgumentException($"Adagrad: invalid initial accumulator value {initialAccumulatorValue}.");
        if (eps < 0) throw new ArgumentException($"Adagrad: invalid eps {eps}.");
        LrDecay = lrDecay; WeightDecay = weightDecay; InitialAccumulatorValue = initialAccumulatorValue; Eps = eps;
        // PyTorch creates the accumulator eagerly, so it exists (and is saved) before the first step.
        for (int i = 0; i < Parameters.Count; i++) State(i, "sum", Parameters[i].Data, initialAccumulatorValue);
    }

    public double LrDecay { get; set; }
    public double WeightDecay { get; set; }
    public double InitialAccumulatorValue { get; }
    public double Eps { get; set; }

    protected override void Update(int i, Tensor p, Tensor grad)
    {
        long step = ++Steps[i];
        if (WeightDecay != 0) grad = grad + p * WeightDecay;
        double clr = LearningRate / (1 + (step - 1) * LrDecay);
        var sum = State(i, "sum", p, InitialAccumulatorValue);
        sum.AddInPlace(grad * grad);
        p.AddInPlace(grad / (sum.Sqrt() + Eps), -clr);
    }
}
