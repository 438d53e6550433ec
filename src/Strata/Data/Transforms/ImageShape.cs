namespace Strata.Data.Transforms;

/// <summary>Reads a [C, H, W] or [H, W] sample shape as (channels, height, width).</summary>
internal readonly record struct ImageShape(int Channels, int Height, int Width)
{
    public int Plane => Height * Width;

    public static ImageShape Of(string transform, Shape shape)
    {
        if (shape.Rank == 3) return new ImageShape(shape[0], shape[1], shape[2]);
        if (shape.Rank == 2) return new ImageShape(1, shape[0], shape[1]);
        throw new ArgumentException($"{transform}: expects a float32 image of shape [C, H, W] or [H, W], got shape {shape}.");
    }

    /// <summary>The same rank as <paramref name="like"/> with a new height and width.</summary>
    public static Shape Resized(Shape like, int height, int width) =>
        like.Rank == 3 ? new Shape(like[0], height, width) : new Shape(height, width);
}
