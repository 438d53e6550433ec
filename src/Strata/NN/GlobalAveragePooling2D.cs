namespace Strata.NN;

/// <summary>Mean over H and W of [N, C, H, W], giving [N, C].</summary>
public sealed class GlobalAveragePooling2D : Module
{
    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank != 4) throw new ArgumentException($"GlobalAveragePooling2D: expects input [N, C, H, W], got shape {x.Shape}.");
        return x.Mean(new[] { 2, 3 });
    }
}
