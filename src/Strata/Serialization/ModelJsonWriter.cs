using System.Globalization;
using System.Text.Json.Nodes;
using Strata.NN;
using Strata.Training;

namespace Strata.Serialization;

/// <summary>Writes a module tree as the architecture JSON described on <see cref="ModelJson"/>.</summary>
internal sealed class ModelJsonWriter
{
    private readonly LayerCatalog _catalog;

    public ModelJsonWriter(LayerCatalog catalog) => _catalog = catalog;

    public JsonObject WriteRoot(Module model)
    {
        var root = new JsonObject { ["format"] = ModelJson.Format, ["version"] = ModelJson.Version };
        return WriteModule(model, model.Name, "model", root);
    }

    /// <summary>A layer entry: {"class", "name"?, "config"} for a layer, or the container fields for Sequential/Model.</summary>
    public JsonObject WriteModule(Module m, string? name, string where, JsonObject? into = null)
    {
        var entry = into ?? new JsonObject();
        switch (m)
        {
            case Sequential seq:
                entry["class"] = "Sequential";
                if (name is not null) entry["name"] = name;
                var layers = new JsonArray();
                for (int i = 0; i < seq.Count; i++)
                {
                    string childName = seq[i].Name ?? i.ToString(CultureInfo.InvariantCulture);
                    layers.Add(WriteModule(seq[i], childName, $"{where}.layers[{i}]"));
                }
                entry["layers"] = layers;
                if (seq.BuiltSampleShape is int[] shape) entry["inputShape"] = IntArray(shape);
                break;
            case Model model when model.LayerGraph is not null && model.GetType() == typeof(Model):
                entry["class"] = "Model";
                if (name is not null) entry["name"] = name;
                WriteGraph(model.LayerGraph, entry, where);
                break;
            case Model model:
                throw new InvalidOperationException($"ModelJson: {where} is a {model.GetType().Name}, a subclassed model whose Forward is code; only Sequential, graph Models (from Input.Create) and Strata layers can be written.");
            default:
                var type = m.GetType();
                if (!_catalog.IsLayer(type))
                    throw new InvalidOperationException($"ModelJson: {where} is a {type.FullName}, which is not a Strata layer; known layer classes: {string.Join(", ", _catalog.LayerNames)}.");
                entry["class"] = type.Name;
                if (name is not null) entry["name"] = name;
                entry["config"] = WriteConfig(m, $"{where} ({type.Name})");
                break;
        }
        return entry;
    }

    private void WriteGraph(LayerGraph graph, JsonObject entry, string where)
    {
        var inputs = new JsonArray();
        var refs = new Dictionary<SymbolicTensor, (string Name, int Call)>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            var s = graph.Inputs[i];
            inputs.Add(new JsonObject { ["name"] = graph.InputNames[i], ["shape"] = IntArray(s.DeclaredShape!), ["dtype"] = s.DType.ToString() });
            refs[s] = (graph.InputNames[i], 0);
        }
        var sources = new SymbolicTensor[graph.SlotCount];
        for (int i = 0; i < graph.Inputs.Count; i++) sources[i] = graph.Inputs[i];
        foreach (var node in graph.Nodes) sources[node.OutputSlot] = node.Output;
        var calls = new Dictionary<Module, JsonArray>(ReferenceEqualityComparer.Instance);
        var layers = new JsonArray();
        foreach (var node in graph.Nodes)
        {
            string name = graph.LayerName(node.Layer);
            if (!calls.TryGetValue(node.Layer, out var inbound))
            {
                var layerEntry = WriteModule(node.Layer, name, $"{where} layer '{name}'");
                inbound = new JsonArray();
                layerEntry["inbound"] = inbound;
                layers.Add(layerEntry);
                calls[node.Layer] = inbound;
            }
            var call = new JsonArray();
            foreach (var slot in node.InputSlots)
            {
                var (refName, refCall) = refs[sources[slot]];
                call.Add(new JsonArray(refName, refCall));
            }
            refs[node.Output] = (name, inbound.Count);
            inbound.Add(call);
        }
        entry["inputs"] = inputs;
        entry["layers"] = layers;
        entry["outputs"] = new JsonArray(graph.Outputs.Select(o => (JsonNode?)new JsonArray(refs[o].Name, refs[o].Call)).ToArray());
    }

    private JsonObject WriteConfig(object obj, string where)
    {
        var config = new JsonObject();
        foreach (var (p, prop) in LayerConfig.Bindings(obj.GetType()))
        {
            if (prop is null)
                throw new InvalidOperationException($"ModelJson: {where}: constructor parameter '{p.Name}' has no public property of the same name, so the layer cannot be written.");
            config[LayerConfig.Key(p)] = WriteValue(prop.GetValue(obj), p.ParameterType, $"{where} config key '{LayerConfig.Key(p)}'");
        }
        return config;
    }

    private JsonNode? WriteValue(object? value, Type declared, string where)
    {
        if (value is null) return null;
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (!type.IsInstanceOfType(value))
            throw new InvalidOperationException($"ModelJson: {where}: the property holds a {value.GetType().Name}, but the constructor parameter is a {declared.Name}.");
        switch (value)
        {
            case bool b: return JsonValue.Create(b);
            case int i: return JsonValue.Create(i);
            case long l: return JsonValue.Create(l);
            case float f: return float.IsFinite(f) ? JsonValue.Create(f) : Number(f);
            case double d: return Number(d);
            case string s: return JsonValue.Create(s);
            case Enum e: return JsonValue.Create(e.ToString());
            case IntPair p: return p.H == p.W ? JsonValue.Create(p.H) : new JsonArray(p.H, p.W);
            case Shape sh: return IntArray(sh.ToArray());
            case Module m: return WriteModule(m, m.Name, where);
            case Array a when type.IsArray:
                var arr = new JsonArray();
                foreach (var item in a) arr.Add(WriteValue(item, type.GetElementType()!, where));
                return arr;
        }
        if (_catalog.IsConfigObjectType(type))
            return new JsonObject { ["class"] = value.GetType().Name, ["config"] = WriteConfig(value, $"{where} ({value.GetType().Name})") };
        throw new InvalidOperationException($"ModelJson: {where}: values of type {declared.Name} cannot be written (supported: numbers, bool, string, enums, arrays, IntPair, Shape, layers and Strata.NN config objects).");
    }

    /// <summary>JSON has no NaN or infinities, so those are written as the strings "NaN", "Infinity", "-Infinity".</summary>
    private static JsonNode Number(double d) =>
        double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));

    private static JsonArray IntArray(int[] dims) => new(dims.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
}
