using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// Adagrad with learning-rate decay and L2 weight decay (PyTorch's <c>torch.optim.Adagrad</c>).
/// Group options: "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps". A group's own
/// "initial_accumulator_value" is honoured (PyTorch 1.13 fills every group's accumulator with the constructor's value).
/// </summary>
public sealed class Adagrad : Optimizer
{
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 0.01, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(parameters, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps)) { }

    /// <summary>Parameter groups; options a group leaves unset take these arguments.</summary>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 0.01, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(groups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps)) { }

    private static Dictionary<string, double> MakeDefaults(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) => new()
    {
        ["lr"] = lr, ["lr_decay"] = lrDecay, ["weight_decay"] = weightDecay, ["initial_accumulator_value"] = initialAccumulatorValue, ["eps"] = eps,
    };

    /// <summary>The first group's learning-rate decay; setting sets every group's.</summary>
    public double LrDecay { get => ParamGroups[0]["lr_decay"]; set => SetOption("lr_decay", value); }
    public double WeightDecay { get => ParamGroups[0].WeightDecay; set => SetOption("weight_decay", value); }
    public double InitialAccumulatorValue => ParamGroups[0]["initial_accumulator_value"];
    public double Eps { get => ParamGroups[0]["eps"]; set => SetOption("eps", value); }

    protected override void CheckGroup(ParamGroup g, int index)
    {
        if (g["lr_decay"] < 0) throw new ArgumentException($"Adagrad: parameter group {index} has invalid lr decay {g["lr_decay"]}.");
        if (g["initial_accumulator_value"] < 0) throw new ArgumentException($"Adagrad: parameter group {index} has invalid initial accumulator value {g["initial_accumulator_value"]}.");
        if (g["eps"] < 0) throw new ArgumentException($"Adagrad: parameter group {index} has invalid eps {g["eps"]}.");
    }

    // PyTorch creates the accumulator eagerly, so it exists (and is saved) before the first step.
    protected override void InitializeState(int index, Tensor p, ParamGroup group) =>
        State(index, "sum", p, group["initial_accumulator_value"]);

    protected override void Update(int i, Tensor p, Tensor grad, ParamGroup g)
    {
        long step = ++Steps[i];
        if (g.WeightDecay != 0) grad = grad + p * g.WeightDecay;
        double clr = g.LearningRate / (1 + (step - 1) * g["lr_decay"]);
        var sum = State(i, "sum", p, g["initial_accumulator_value"]);
        sum.AddInPlace(grad * grad);
        p.AddInPlace(grad / (sum.Sqrt() + g["eps"]), -clr);
    }
}
