using Strata.NN;

namespace Strata.Optim;

/// <summary>Adam with L2 weight decay added to the gradient and optional AMSGrad (PyTorch's <c>torch.optim.Adam</c>).</summary>
public class Adam : Optimizer
{
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(parameters, lr)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        if (b1 < 0 || b1 >= 1 || b2 < 0 || b2 >= 1) throw new ArgumentException($"{GetType().Name}: invalid betas ({b1}, {b2}).");
        if (eps < 0) throw new ArgumentException($"{GetType().Name}: invalid eps {eps}.");
        if (weightDecay < 0) throw new ArgumentException($"{GetType().Name}: invalid weight decay {weightDecay}.");
        Beta1 = b1; Beta2 = b2; Eps = eps; WeightDecay = weightDecay; Amsgrad = amsgrad;
    }

    public double Beta1 { get; set; }
    public double Beta2 { get; set; }
    public double Eps { get; set; }
    public double WeightDecay { get; set; }
    public bool Amsgrad { get; set; }

    /// <summary>True for AdamW: weight decay scales the parameter instead of being added to the gradient.</summary>
    protected virtual bool Decoupled => false;

    protected override void Update(int i, Tensor p, Tensor grad)
    {
        long step = ++Steps[i];
        if (WeightDecay != 0)
        {
            if (Decoupled) p.CopyFrom(p * (1 - LearningRate * WeightDecay));
            else grad = grad + p * WeightDecay;
        }
        var m = State(i, "exp_avg", p);
        var v = State(i, "exp_avg_sq", p);
        m.CopyFrom(m * Beta1 + grad * (1 - Beta1));
        v.CopyFrom(v * Beta2 + grad * grad * (1 - Beta2));
        double bc1 = 1 - Math.Pow(Beta1, step);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, step));
        var second = v;
        if (Amsgrad)
        {
            var vmax = State(i, "max_exp_avg_sq", p);
            vmax.CopyFrom(vmax.Maximum(v));
            second = vmax;
        }
        var denom = second.Sqrt() / bc2Sqrt + Eps;
        p.AddInPlace(m / denom, -LearningRate / bc1);
    }
}
