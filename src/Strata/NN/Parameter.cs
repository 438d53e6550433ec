namespace Strata.NN;

/// <summary>
/// A trainable tensor owned by a module: it lives outside every <see cref="TensorScope"/>, requires grad by
/// default, and its gradient buffer is reused across steps. Converts implicitly to <see cref="Tensor"/>.
/// </summary>
public sealed class Parameter
{
    /// <summary>Takes ownership of <paramref name="data"/> (removing it from any scope).</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
    {
        if (!data.IsLeaf)
            throw new ArgumentException($"Parameter: the data must be a leaf tensor, got the output of '{data.GradFnName}'; pass t.Detach() or a fresh tensor.");
        TensorScope.Current?.Keep(data);
        Data = data;
        if (requiresGrad) Data.RequiresGrad = true;
    }

    public Tensor Data { get; private set; }

    public Tensor? Grad => Data.Grad;

    public bool RequiresGrad
    {
        get => Data.RequiresGrad;
        set => Data.RequiresGrad = value;
    }

    public Shape Shape => Data.Shape;

    public DType DType => Data.DType;

    public long Numel => Data.Numel;

    /// <summary>Zeros the gradient in place (keeping its buffer), as PyTorch's <c>zero_grad(set_to_none=False)</c>.</summary>
    public void ZeroGrad() => Data.Grad?.Zero_();

    /// <summary>Replaces the values (same shape and dtype required), e.g. when loading weights.</summary>
    public void Set(Tensor values)
    {
        if (values.Shape != Data.Shape)
            throw new ArgumentException($"Parameter.Set: shape {values.Shape} does not match the parameter's shape {Data.Shape}.");
        using (Autograd.GradMode.NoGrad()) Data.CopyFrom(values);
    }

    public static implicit operator Tensor(Parameter p) => p.Data;

    public override string ToString() => $"Parameter containing:\n{Data}";
}
