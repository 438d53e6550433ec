using Strata.NN;

namespace Strata.Optim;

/// <summary>RMSprop with optional momentum, centering and L2 weight decay (PyTorch's <c>torch.optim.RMSprop</c>).</summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 0.01, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(parameters, lr)
    {
        if (alpha < 0) throw new ArgumentException($"RMSprop: invalid alpha {alpha}.");
        if (eps < 0) throw new ArgumentException($"RMSprop: invalid eps {eps}.");
        if (momentum < 0) throw new ArgumentException($"RMSprop: invalid momentum {momentum}.");
        if (weightDecay < 0) throw new ArgumentException($"RMSprop: invalid weight decay {weightDecay}.");
        Alpha = alpha; Eps = eps; WeightDecay = weightDecay; Momentum = momentum; Centered = centered;
    }

    public double Alpha { get; set; }
    public double Eps { get; set; }
    public double WeightDecay { get; set; }
    public double Momentum { get; set; }
    public bool Centered { get; set; }

    protected override void Update(int i, Tensor p, Tensor grad)
    {
        Steps[i]++;
        if (WeightDecay != 0) grad = grad + p * WeightDecay;
        var sq = State(i, "square_avg", p);
        sq.CopyFrom(sq * Alpha + grad * grad * (1 - Alpha));
        Tensor avg;
        if (Centered)
        {
            var ga = State(i, "grad_avg", p);
            ga.CopyFrom(ga * Alpha + grad * (1 - Alpha));
            avg = (sq - ga * ga).Sqrt() + Eps;
        }
        else avg = sq.Sqrt() + Eps;
        if (Momentum > 0)
        {
            var buf = State(i, "momentum_buffer", p);
            buf.CopyFrom(buf * Momentum + grad / avg);
            p.AddInPlace(buf, -LearningRate);
        }
        else p.AddInPlace(grad / avg, -LearningRate);
    }
}
