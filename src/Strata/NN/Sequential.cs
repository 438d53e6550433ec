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
        foreach (var l in _layers)
        {
            var y = l.Invoke(x, mask);
            mask = l.ComputeMask(x, mask);
            x = y;
        }
        _outputMask = mask;
        return x;
    }

    private Tensor? _outputMask;

    /// <summary>The mask the last layer produced in the most recent forward pass (containers are asked right after running).</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => _outputMask;
}
