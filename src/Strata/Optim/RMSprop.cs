using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// RMSprop with optional momentum, centering and L2 weight decay (PyTorch's <c>torch.optim.RMSprop</c>).
/// Group options: "lr", "alpha", "eps", "weight_decay", "momentum", "centered" (0 or 1).
/// </summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 0.01, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(parameters, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered)) { }

    /// <summary>Parameter groups; options a group leaves unset take these arguments.</summary>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 0.01, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered)) { }

    private static Dictionary<string, double> MakeDefaults(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered) => new()
    {
        ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum, ["centered"] = centered ? 1 : 0,
    };

    /// <summary>The first group's alpha; setting sets every group's.</summary>
    public double Alpha { get => ParamGroups[0]["alpha"]; set => SetOption("alpha", value); }
    public double Eps { get => ParamGroups[0]["eps"]; set => SetOption("eps", value); }
    public double WeightDecay { get => ParamGroups[0].WeightDecay; set => SetOption("weight_decay", value); }
    public double Momentum { get => ParamGroups[0]["momentum"]; set => SetOption("momentum", value); }
    public bool Centered { get => ParamGroups[0]["centered"] != 0; set => SetOption("centered", value ? 1 : 0); }

    protected override void CheckGroup(ParamGroup g, int index)
    {
        if (g["alpha"] < 0) throw new ArgumentException($"RMSprop: parameter group {index} has invalid alpha {g["alpha"]}.");
        if (g["eps"] < 0) throw new ArgumentException($"RMSprop: parameter group {index} has invalid eps {g["eps"]}.");
        if (g["momentum"] < 0) throw new ArgumentException($"RMSprop: parameter group {index} has invalid momentum {g["momentum"]}.");
    }

    protected override void Update(int i, Tensor p, Tensor grad, ParamGroup g)
    {
        Steps[i]++;
        double alpha = g["alpha"], eps = g["eps"], momentum = g["momentum"], lr = g.LearningRate;
        if (g.WeightDecay != 0) grad = grad + p * g.WeightDecay;
        var sq = State(i, "square_avg", p);
        sq.CopyFrom(sq * alpha + grad * grad * (1 - alpha));
        Tensor avg;
        if (g["centered"] != 0)
        {
            var ga = State(i, "grad_avg", p);
            ga.CopyFrom(ga * alpha + grad * (1 - alpha));
            avg = (sq - ga * ga).Sqrt() + eps;
        }
        else avg = sq.Sqrt() + eps;
        if (momentum > 0)
        {
            var buf = State(i, "momentum_buffer", p);
            buf.CopyFrom(buf * momentum + grad / avg);
            p.AddInPlace(buf, -lr);
        }
        else p.AddInPlace(grad / avg, -lr);
    }
}
