namespace Strata.Data.Transforms;

/// <summary>Runs an <see cref="ITransform"/> on a tensor outside a loader (previews, tests, inference-time preprocessing).</summary>
public static class TransformExtensions
{
    /// <summary>
    /// The transform of one float32 sample as a new tensor in the current scope.
    /// <paramref name="random"/> defaults to <see cref="Generator.Default"/>.
    /// </summary>
    public static Tensor Apply(this ITransform transform, Tensor sample, Generator? random = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(sample);
        string name = transform.GetType().Name;
        if (sample.DType != DType.Float32)
            throw new ArgumentException($"{name}: expects a float32 sample, got {sample.DType.Name()} of shape {sample.Shape}.");
        var outShape = transform.OutputShape(sample.Shape);
        var src = sample.Device == Device.Cpu ? sample.Contiguous() : sample.To(Device.Cpu);
        try
        {
            var y = Tensor.Empty(name, outShape.ToArray(), DType.Float32, Device.Cpu);
            transform.Apply(HostTensor.Elements<float>(src, name), sample.Shape, HostTensor.Elements<float>(y, name), random ?? Generator.Default);
            return y;
        }
        finally
        {
            if (!ReferenceEquals(src, sample)) src.Dispose();
        }
    }
}
