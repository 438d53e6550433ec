namespace Strata.Autograd;

/// <summary>Computes input gradients from the output gradient; writes <c>node.Grads[i]</c> for each input that <c>node.Needs(i)</c>.</summary>
internal delegate void BackwardFn(Tensor gradOutput, Node node);

/// <summary>
/// One recorded op in the define-by-run graph: its inputs (which hold their own nodes, so the graph is the
/// chain of inputs) and the closure that maps the output gradient to input gradients. The closure holds
/// whatever the backward needs (saved tensors); releasing the node after backward drops them.
/// </summary>
internal sealed class Node
{
    public readonly string Op;
    public Tensor[] Inputs;
    public BackwardFn? Backward;
    public readonly Tensor?[] Grads;
    public readonly int[] OutputShape;

    /// <summary>
    /// Set by a slice's backward instead of a full-size gradient: <c>Grads[0]</c> is then the gradient of the slice
    /// only, and the engine adds it into that region of the input's accumulated gradient. Slicing a sequence step by
    /// step would otherwise build one full-size zero tensor per step (quadratic in the sequence length).
    /// </summary>
    internal (int Dim, int Start, int End, int Step)? GradSlice;

    /// <summary>
    /// Intermediates an op saved for its backward (never its inputs), released with the node: a whole-sequence op's
    /// saved activations return to the pool as soon as its backward has run, not only when their scope ends.
    /// </summary>
    internal Tensor[]? Saved;

    // Engine scratch, valid during one Backward call.
    internal Tensor? PendingGrad;
    /// <summary>Whether <see cref="PendingGrad"/> was allocated by the engine (so it may be updated in place).</summary>
    internal bool PendingOwned;
    internal int Dependencies;
    internal int Visit;

    public Node(string op, Tensor[] inputs, BackwardFn backward, int[] outputShape)
    {
        Op = op;
        Inputs = inputs;
        Backward = backward;
        Grads = new Tensor?[inputs.Length];
        OutputShape = outputShape;
    }

    public bool Needs(int i) => Inputs[i].RequiresGrad;

    public bool Released => Backward == null;

    public void Release()
    {
        Backward = null;
        Inputs = Array.Empty<Tensor>();
        if (Saved is { } saved)
        {
            Saved = null;
            foreach (var t in saved) t.Dispose();
        }
    }
}
