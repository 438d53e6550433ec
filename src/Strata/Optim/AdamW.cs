using Strata.NN;

namespace Strata.Optim;

/// <summary>Adam with decoupled weight decay (PyTorch's <c>torch.optim.AdamW</c>): p *= 1 - lr * weightDecay before the Adam update.</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(parameters, lr, betas, eps, weightDecay, amsgrad) { }

    /// <summary>Parameter groups; options a group leaves unset take these arguments.</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(groups, lr, betas, eps, weightDecay, amsgrad) { }

    protected override bool Decoupled => true;
}
