using Strata.Backends;
using Strata.Backends.Cpu;

namespace Strata.Data.Transforms;

/// <summary>Adds independent N(0, std²) noise to every element (Keras <c>GaussianNoise</c>, as a data augmentation).</summary>
public sealed class GaussianNoise : ITransform
{
    public GaussianNoise(double std)
    {
        if (!(std >= 0) || double.IsInfinity(std)) throw new ArgumentOutOfRangeException(nameof(std), $"GaussianNoise: std must be non-negative and finite, got {std}.");
        Std = std;
    }

    public double Std { get; }

    public Shape OutputShape(Shape inputShape) => inputShape;

    public void Apply(ReadOnlySpan<float> input, Shape inputShape, Span<float> output, Generator random)
    {
        // One counter reservation per sample; each element is then a pure function of (seed, counter + i).
        ulong counter = random.Advance(input.Length);
        ulong key = CounterRng.Mix(random.Seed);
        for (int i = 0; i < input.Length; i++)
            output[i] = (float)(input[i] + CounterRng.Sample(RandomKind.Normal, key, counter + (ulong)i, 0, Std));
    }

    public override string ToString() => $"GaussianNoise(std={Std})";
}
