using Strata.NN;

namespace Strata.Optim;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay (PyTorch's <c>torch.optim.SGD</c>).</summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : base(parameters, lr)
    {
        if (momentum < 0) throw new ArgumentException($"SGD: invalid momentum {momentum}.");
        if (weightDecay < 0) throw new ArgumentException($"SGD: invalid weight decay {weightDecay}.");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening.");
        Momentum = momentum; Dampening = dampening; Nesterov = nesterov; WeightDecay = weightDecay;
    }

    public double Momentum { get; set; }
    public double Dampening { get; set; }
    public bool Nesterov { get; set; }
    public double WeightDecay { get; set; }

    protected override void Update(int i, Tensor p, Tensor grad)
    {
        var d = grad;
        if (WeightDecay != 0) d = grad + p * WeightDecay;
        if (Momentum != 0)
        {
            bool fresh = !HasState(i, "momentum_buffer");
            var buf = State(i, "momentum_buffer", p);
            if (fresh) buf.CopyFrom(d);
            else buf.CopyFrom(buf * Momentum + d * (1 - Dampening));
            d = Nesterov ? d + buf * Momentum : buf;
        }
        p.AddInPlace(d, -LearningRate);
    }
}
