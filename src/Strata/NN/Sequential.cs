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

    public override Tensor Forward(Tensor x)
    {
        foreach (var l in _layers) x = l.Invoke(x);
        return x;
    }
}
