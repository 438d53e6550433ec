namespace Strata.NN;

/// <summary>Flattens dims startDim..endDim (default: all but the batch dim).</summary>
public sealed class Flatten : Module
{
    public Flatten(int startDim = 1, int endDim = -1) { StartDim = startDim; EndDim = endDim; }

    public int StartDim { get; }
    public int EndDim { get; }

    public override Tensor Forward(Tensor x) => x.Flatten(StartDim, EndDim);
}
