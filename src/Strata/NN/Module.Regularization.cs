using Strata.NN.Regularizers;

namespace Strata.NN;

// Weight penalties (Keras kernel_regularizer & co.), collected over the whole module tree.
public abstract partial class Module
{
    /// <summary>
    /// The weights of this module (not its children) that carry a regularizer; layers with <c>kernelRegularizer</c>-style
    /// options override it. Unbuilt lazy layers have no weights yet and yield nothing.
    /// </summary>
    protected virtual IEnumerable<(Parameter Parameter, Regularizer Regularizer)> RegularizedParameters() => [];

    /// <summary>Whether any layer in the tree has a regularized weight (so training must add <see cref="RegularizationLoss"/>).</summary>
    public bool HasRegularizers => WalkModules().Any(m => m.Item2.RegularizedParameters().Any());

    /// <summary>
    /// The sum of every regularizer penalty in this module and its descendants (Keras <c>model.losses</c> summed), as a
    /// differentiable scalar to add to the training loss; a float32 zero scalar when there is none. A weight shared by
    /// several layers is penalised once per (weight, regularizer) pair.
    /// </summary>
    public Tensor RegularizationLoss()
    {
        Tensor? total = null;
        var seen = new HashSet<(Parameter, Regularizer)>();
        foreach (var (_, module, _) in WalkModules())
            foreach (var pair in module.RegularizedParameters())
            {
                if (!seen.Add(pair)) continue;
                var penalty = pair.Regularizer.Penalty(pair.Parameter.Data);
                total = total is null ? penalty : total.Add(penalty);
            }
        return total ?? Tensor.Scalar(0.0);
    }
}
