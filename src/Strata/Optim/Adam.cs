using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// Adam with L2 weight decay added to the gradient and optional AMSGrad (PyTorch's <c>torch.optim.Adam</c>).
/// Group options: "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad" (0 or 1).
/// </summary>
public class Adam : Optimizer
{
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(parameters, MakeDefaults(lr, betas, eps, weightDecay, amsgrad)) { }

    /// <summary>Parameter groups; options a group leaves unset take these arguments.</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(groups, MakeDefaults(lr, betas, eps, weightDecay, amsgrad)) { }

    private static Dictionary<string, double> MakeDefaults(double lr, (double, double)? betas, double eps, double weightDecay, bool amsgrad)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        return new() { ["lr"] = lr, ["beta1"] = b1, ["beta2"] = b2, ["eps"] = eps, ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad ? 1 : 0 };
    }

    /// <summary>The first group's beta1; setting sets every group's.</summary>
    public double Beta1 { get => ParamGroups[0]["beta1"]; set => SetOption("beta1", value); }
    public double Beta2 { get => ParamGroups[0]["beta2"]; set => SetOption("beta2", value); }
    public double Eps { get => ParamGroups[0]["eps"]; set => SetOption("eps", value); }
    public double WeightDecay { get => ParamGroups[0].WeightDecay; set => SetOption("weight_decay", value); }
    public bool Amsgrad { get => ParamGroups[0]["amsgrad"] != 0; set => SetOption("amsgrad", value ? 1 : 0); }

    /// <summary>True for AdamW: weight decay scales the parameter instead of being added to the gradient.</summary>
    protected virtual bool Decoupled => false;

    protected override void CheckGroup(ParamGroup g, int index)
    {
        double b1 = g["beta1"], b2 = g["beta2"];
        if (b1 < 0 || b1 >= 1 || b2 < 0 || b2 >= 1) throw new ArgumentException($"{Name}: parameter group {index} has invalid betas ({b1}, {b2}).");
        if (g["eps"] < 0) throw new ArgumentException($"{Name}: parameter group {index} has invalid eps {g["eps"]}.");
    }

    protected override void Update(int i, Tensor p, Tensor grad, ParamGroup g)
    {
        long step = ++Steps[i];
        double lr = g.LearningRate, beta1 = g["beta1"], beta2 = g["beta2"], weightDecay = g.WeightDecay;
        double bc1 = 1 - Math.Pow(beta1, step);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
        var m = State(i, "exp_avg", p);
        var v = State(i, "exp_avg_sq", p);
        var vmax = g["amsgrad"] != 0 ? State(i, "max_exp_avg_sq", p) : null;
        if (AdamKernel.TryUpdate(p, grad, m, v, vmax, new(beta1, beta2, g["eps"], weightDecay, Decoupled, lr, lr / bc1, bc2Sqrt)))
            return;
        if (weightDecay != 0)
        {
            if (Decoupled) p.CopyFrom(p * (1 - lr * weightDecay));
            else grad = grad + p * weightDecay;
        }
        m.CopyFrom(m * beta1 + grad * (1 - beta1));
        v.CopyFrom(v * beta2 + grad * grad * (1 - beta2));
        var second = v;
        if (vmax is not null)
        {
            vmax.CopyFrom(vmax.Maximum(v));
            second = vmax;
        }
        var denom = second.Sqrt() / bc2Sqrt + g["eps"];
        p.AddInPlace(m / denom, -lr / bc1);
    }
}
