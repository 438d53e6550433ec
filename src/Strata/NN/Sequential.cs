namespace Strata.NN;

/// <summary>Runs its children in order; they are named "0", "1", ...</summary>
public sealed class Sequential : Strata.Training.Model
{
    private readonly List<Module> _layers = new();

    public Sequential(params Module[] layers)
    {
        foreach (var l in layers) Add(l);
    }

    public Sequential Add(Module layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    public int Count => _layers.Count;

    public Module this[int index] => _layers[index];

    public override Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// Runs the layers in order, handing each the Keras-style mask its predecessor produced (see
    /// <see cref="Module.ComputeMask"/>), starting from <paramref name="mask"/>.
    /// </summary>
    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        for (int i = 0; i < _layers.Count; i++)
        {
            var l = _layers[i];
            if (mask is null && l is ReLU relu && i + 1 < _layers.Count && _layers[i + 1] is MaxPool2D pool)
            {
                x = ReluThenMaxPool(relu, pool, x);
                i++;
                continue;
            }
            var y = l.Invoke(x, mask);
            mask = l.ComputeMask(x, mask);
            x = y;
        }
        _outputMask = mask;
        return x;
    }

    private Tensor? _outputMask;

    /// <summary>
    /// ReLU followed by max pooling, computed as pooling first: max is monotone, so relu(max(x)) = max(relu(x)) for
    /// every window, and the gradient is the same too (it reaches the window's first maximum when that is positive,
    /// and nothing otherwise). The ReLU then runs on a quarter of the elements (a 2x2 pool): on the seed CNN that
    /// removed most of the 0.3 ms forward and 0.4 ms backward its first ReLU cost per step.
    /// </summary>
    private static Tensor ReluThenMaxPool(ReLU relu, MaxPool2D pool, Tensor x)
    {
        var pooled = pool.Invoke(x);
        var y = relu.Invoke(pooled);
        relu.NoteOutputShape(x.Shape);
        pool.NoteOutputShape(y.Shape);
        return y;
    }

    /// <summary>The mask the last layer produced in the most recent forward pass (containers are asked right after running).</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => _outputMask;
}
