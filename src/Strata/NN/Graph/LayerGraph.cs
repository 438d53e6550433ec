using System.Globalization;

namespace Strata.NN;

/// <summary>
/// A layer graph compiled from symbolic inputs and outputs: the layer calls in an order where every call comes
/// after the calls it reads from, a value slot per symbolic tensor, and a unique name per layer and input.
/// </summary>
internal sealed class LayerGraph
{
    /// <summary>One layer call: which layer, which slots it reads, which slot it writes.</summary>
    internal sealed record Node(Module Layer, int[] InputSlots, int OutputSlot, SymbolicTensor Output);

    private readonly Dictionary<Module, string> _layerNames = new(ReferenceEqualityComparer.Instance);

    public LayerGraph(IReadOnlyList<SymbolicTensor> inputs, IReadOnlyList<SymbolicTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0) throw new ArgumentException("Model: needs at least one input (from Input.Create).");
        if (outputs.Count == 0) throw new ArgumentException("Model: needs at least one output.");
        var slots = new Dictionary<SymbolicTensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Count; i++)
        {
            var s = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"Model: inputs[{i}] is null.");
            if (!s.IsInput)
                throw new ArgumentException($"Model: inputs[{i}] is the output of layer {s.Layer!.GetType().Name}, not a graph input; model inputs come from Input.Create.");
            if (!slots.TryAdd(s, slots.Count)) throw new ArgumentException($"Model: inputs[{i}] appears twice in the input list.");
        }
        Inputs = inputs.ToArray();

        var nodes = new List<Node>();
        var visiting = new HashSet<SymbolicTensor>(ReferenceEqualityComparer.Instance);
        for (int o = 0; o < outputs.Count; o++)
        {
            var s = outputs[o] ?? throw new ArgumentNullException(nameof(outputs), $"Model: outputs[{o}] is null.");
            Visit(s, o, slots, nodes);
        }
        Nodes = nodes;
        Outputs = outputs.ToArray();
        SlotCount = slots.Count;
        _slots = slots;
        AssignNames();
    }

    private readonly Dictionary<SymbolicTensor, int> _slots;

    public IReadOnlyList<SymbolicTensor> Inputs { get; }
    public IReadOnlyList<SymbolicTensor> Outputs { get; }
    public IReadOnlyList<Node> Nodes { get; }
    public int SlotCount { get; }
    public IReadOnlyList<string> InputNames { get; private set; } = Array.Empty<string>();

    /// <summary>Distinct layers in order of first call.</summary>
    public IEnumerable<Module> Layers => Nodes.Select(n => n.Layer).Distinct(ReferenceEqualityComparer.Instance).Cast<Module>();

    public string LayerName(Module layer) => _layerNames[layer];

    public int SlotOf(SymbolicTensor s) => _slots[s];

    /// <summary>Post-order walk from an output (iterative so deep graphs do not overflow the stack).</summary>
    private static void Visit(SymbolicTensor output, int outputIndex, Dictionary<SymbolicTensor, int> slots, List<Node> nodes)
    {
        var stack = new Stack<(SymbolicTensor T, bool Expanded)>();
        stack.Push((output, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (slots.ContainsKey(t)) continue;
            if (t.IsInput)
                throw new ArgumentException($"Model: outputs[{outputIndex}] depends on {DescribeInput(t)}, which is not among the model's inputs; pass it in the inputs list.");
            if (expanded)
            {
                var ins = t.Inputs.Select(i => slots[i]).ToArray();
                int slot = slots.Count;
                slots.Add(t, slot);
                nodes.Add(new Node(t.Layer!, ins, slot, t));
                continue;
            }
            stack.Push((t, true));
            for (int i = t.Inputs.Count - 1; i >= 0; i--)
                if (!slots.ContainsKey(t.Inputs[i])) stack.Push((t.Inputs[i], false));
        }
    }

    private static string DescribeInput(SymbolicTensor t) =>
        t.InputName is null ? $"an unnamed Input of shape {t.ShapeText}" : $"Input '{t.InputName}' (shape {t.ShapeText})";

    /// <summary>User-given names first (they must be unique), then Keras-style "dense", "dense_1", ... for the rest.</summary>
    private void AssignNames()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        void Claim(string name, string what)
        {
            if (name.Contains('.', StringComparison.Ordinal))
                throw new ArgumentException($"Model: {what} name '{name}' must not contain '.', which separates parameter names.");
            if (!used.Add(name)) throw new ArgumentException($"Model: the name '{name}' is used by two different layers or inputs.");
        }
        foreach (var s in Inputs) if (s.InputName is not null) Claim(s.InputName, "input");
        foreach (var l in Layers) if (l.Name is not null) Claim(l.Name, "layer");

        string Fresh(string stem)
        {
            if (used.Add(stem)) return stem;
            for (int k = 1; ; k++)
            {
                string n = stem + "_" + k.ToString(CultureInfo.InvariantCulture);
                if (used.Add(n)) return n;
            }
        }
        InputNames = Inputs.Select(s => s.InputName ?? Fresh("input")).ToArray();
        foreach (var l in Layers) _layerNames[l] = l.Name ?? Fresh(SnakeCase(l.GetType().Name));
    }

    /// <summary>Keras' to_snake_case: Conv2D → conv2d, MaxPool2D → max_pool2d, ReLU → re_lu.</summary>
    internal static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder();
        // pass 1: "(.)([A-Z][a-z]+)" → "\1_\2"
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && i + 1 < name.Length && char.IsLower(name[i + 1])) sb.Append('_');
            sb.Append(name[i]);
        }
        var pass1 = sb.ToString();
        sb.Clear();
        // pass 2: "([a-z])([A-Z])" → "\1_\2"
        for (int i = 0; i < pass1.Length; i++)
        {
            if (i > 0 && char.IsUpper(pass1[i]) && char.IsLower(pass1[i - 1])) sb.Append('_');
            sb.Append(pass1[i]);
        }
        return sb.ToString().ToLowerInvariant();
    }

    /// <summary>Runs the graph on real tensors (batch first), checking them against the inputs' declared shapes and dtypes.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs) => Run(inputs, null, out _);

    /// <summary>
    /// Runs the graph, carrying Keras-style masks along the edges: each layer gets the mask of the tensor it reads and
    /// reports the mask of its output; a merge layer's output mask is the logical AND of its inputs' masks.
    /// </summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? inputMasks, out Tensor?[] outputMasks)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != Inputs.Count)
            throw new ArgumentException($"Model: expects {Inputs.Count} input tensor(s) ({string.Join(", ", InputNames)}), got {inputs.Count}.");
        var values = new Tensor[SlotCount];
        for (int i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"Model: input tensor {i} ('{InputNames[i]}') is null.");
            CheckInput(i, x);
            values[i] = x;
        }
        var masks = new Tensor?[SlotCount];
        if (inputMasks is not null)
        {
            if (inputMasks.Count != inputs.Count)
                throw new ArgumentException($"Model: got {inputMasks.Count} input mask(s) for {inputs.Count} input(s).");
            for (int i = 0; i < inputMasks.Count; i++) masks[i] = inputMasks[i];
        }
        foreach (var node in Nodes)
        {
            if (node.Layer is IMultiInput multi)
            {
                values[node.OutputSlot] = multi.Invoke(node.InputSlots.Select(s => values[s]).ToArray());
                masks[node.OutputSlot] = MergeMasks(node.InputSlots.Select(s => masks[s]));
            }
            else
            {
                var x = values[node.InputSlots[0]];
                var mask = masks[node.InputSlots[0]];
                values[node.OutputSlot] = node.Layer.Invoke(x, mask);
                masks[node.OutputSlot] = node.Layer.ComputeMask(x, mask);
            }
        }
        outputMasks = Outputs.Select(o => masks[_slots[o]]).ToArray();
        return Outputs.Select(o => values[_slots[o]]).ToArray();
    }

    private static Tensor? MergeMasks(IEnumerable<Tensor?> masks)
    {
        Tensor? merged = null;
        foreach (var m in masks)
            if (m is not null) merged = merged is null ? m : merged.LogicalAnd(m);
        return merged;
    }

    private void CheckInput(int i, Tensor x)
    {
        var declared = Inputs[i].DeclaredShape!;
        bool ok = x.Rank == declared.Length + 1;
        for (int d = 0; ok && d < declared.Length; d++) ok = declared[d] < 0 || declared[d] == x.Shape[d + 1];
        if (!ok)
            throw new ArgumentException($"Model: input '{InputNames[i]}' expects shape [batch, {string.Join(", ", declared.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}], got a tensor of shape {x.Shape}.");
        if (x.DType != Inputs[i].DType)
            throw new ArgumentException($"Model: input '{InputNames[i]}' expects dtype {Inputs[i].DType}, got {x.DType} (shape {x.Shape}).");
    }
}
