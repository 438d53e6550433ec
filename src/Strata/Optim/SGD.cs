using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay (PyTorch's
/// <c>torch.optim.SGD</c>). Group options: "lr", "momentum", "dampening", "nesterov" (0 or 1), "weight_decay".
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : base(parameters, MakeDefaults(lr, momentum, dampening, nesterov, weightDecay)) { }

    /// <summary>Parameter groups; options a group leaves unset take these arguments.</summary>
    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : base(groups, MakeDefaults(lr, momentum, dampening, nesterov, weightDecay)) { }

    private static Dictionary<string, double> MakeDefaults(double lr, double momentum, double dampening, bool nesterov, double weightDecay) => new()
    {
        ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["nesterov"] = nesterov ? 1 : 0, ["weight_decay"] = weightDecay,
    };

    /// <summary>The first group's momentum; setting sets every group's.</summary>
    public double Momentum { get => ParamGroups[0]["momentum"]; set => SetOption("momentum", value); }
    public double Dampening { get => ParamGroups[0]["dampening"]; set => SetOption("dampening", value); }
    public bool Nesterov { get => ParamGroups[0]["nesterov"] != 0; set => SetOption("nesterov", value ? 1 : 0); }
    public double WeightDecay { get => ParamGroups[0].WeightDecay; set => SetOption("weight_decay", value); }

    protected override void CheckGroup(ParamGroup g, int index)
    {
        if (g["momentum"] < 0) throw new ArgumentException($"SGD: parameter group {index} has invalid momentum {g["momentum"]}.");
        if (g["nesterov"] != 0 && (g["momentum"] <= 0 || g["dampening"] != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum and zero dampening (parameter group {index}: momentum {g["momentum"]}, dampening {g["dampening"]}).");
    }

    protected override void Update(int i, Tensor p, Tensor grad, ParamGroup g)
    {
        double momentum = g["momentum"], weightDecay = g.WeightDecay;
        var d = grad;
        if (weightDecay != 0) d = grad + p * weightDecay;
        if (momentum != 0)
        {
            bool fresh = !HasState(i, "momentum_buffer");
            var buf = State(i, "momentum_buffer", p);
            if (fresh) buf.CopyFrom(d);
            else buf.CopyFrom(buf * momentum + d * (1 - g["dampening"]));
            d = g["nesterov"] != 0 ? d + buf * momentum : buf;
        }
        p.AddInPlace(d, -g.LearningRate);
    }
}
