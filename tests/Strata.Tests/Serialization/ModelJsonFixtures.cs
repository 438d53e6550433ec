using Strata;
using Strata.NN;

// Test-only layers and config objects for the nested-config paths of ModelJson (read through a catalog of this
// namespace, never through the Strata catalog).
namespace Strata.Tests.Serialization.JsonFixtures;

public abstract class Penalty
{
}

public sealed class L2Penalty : Penalty
{
    public L2Penalty(double l2 = 0.01) => L2 = l2;

    public double L2 { get; }
}

public sealed class L1L2Penalty : Penalty
{
    public L1L2Penalty(double l1, double l2) { L1 = l1; L2 = l2; }

    public double L1 { get; }
    public double L2 { get; }
}

public enum ScaleMode { Multiply, Divide }

/// <summary>x·factor (or x/factor) with every kind of config value.</summary>
public sealed class Scale : Module
{
    public Scale(double factor, Penalty? penalty = null, int[]? dims = null, ScaleMode mode = ScaleMode.Multiply, Shape? shape = null,
                 string label = "s", float ratio = 0.25f, long big = 1L << 40, Generator? generator = null)
    {
        Factor = factor; Penalty = penalty; Dims = dims; Mode = mode; Shape = shape; Label = label; Ratio = ratio; Big = big;
    }

    public double Factor { get; }
    public Penalty? Penalty { get; }
    public int[]? Dims { get; }
    public ScaleMode Mode { get; }
    public Shape? Shape { get; }
    public string Label { get; }
    public float Ratio { get; }
    public long Big { get; }

    public override Tensor Forward(Tensor x) => Mode == ScaleMode.Multiply ? x * Factor : x / Factor;
}

/// <summary>Applies a layer given as a constructor argument twice.</summary>
public sealed class Twice : Module
{
    public Twice(Module inner) => Inner = inner;

    public Module Inner { get; }

    public override Tensor Forward(Tensor x) => Inner.Invoke(Inner.Invoke(x));
}

/// <summary>Breaks the constructor↔property rule: <c>size</c> has no property.</summary>
public sealed class Hidden : Module
{
    private readonly int _size;

    public Hidden(int size) => _size = size;

    public override Tensor Forward(Tensor x) => x.Mul(_size);
}

/// <summary>A lazily built layer that takes int64 indices only, like an embedding.</summary>
public sealed class IndexCounter : Module
{
    public IndexCounter(int size) => Size = size;

    public int Size { get; }

    public Parameter? Table { get; private set; }

    protected override void Build(Shape inputShape) => Table = new Parameter(Tensor.Ones(new[] { Size, inputShape[-1] }, DType.Float32));

    public override Tensor Forward(Tensor x)
    {
        if (x.DType != DType.Int64) throw new ArgumentException($"IndexCounter: expects int64 indices, got {x.DType} of shape {x.Shape}.");
        return x.To(DType.Float32).Matmul(Table!.Data.T);
    }
}
