using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Strata.NN;
using Strata.Training;
using Module = Strata.NN.Module;

namespace Strata.Serialization;

/// <summary>
/// Reads the architecture JSON described on <see cref="ModelJson"/>. Every class name is resolved through a
/// <see cref="LayerCatalog"/>; every problem is a <see cref="FormatException"/> that says where (layer and key).
/// </summary>
internal sealed class ModelJsonReader
{
    private static readonly string[] CommonKeys = { "class", "name" };
    private static readonly string[] RootKeys = { "format", "version" };
    private readonly LayerCatalog _catalog;

    public ModelJsonReader(LayerCatalog catalog) => _catalog = catalog;

    public Module ReadRoot(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"ModelJson: malformed JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error("model", $"the document must be a JSON object, got {Kind(root)}");
            string format = RequiredString(root, "format", "model");
            if (format != ModelJson.Format) throw Error("model", $"'format' is \"{format}\", expected \"{ModelJson.Format}\"");
            int version = ReadInt(Required(root, "version", "model"), "model key 'version'");
            if (version != ModelJson.Version)
                throw Error("model", $"unsupported version {version}; this Strata reads version {ModelJson.Version}");
            return ReadModule(root, "model", RootKeys);
        }
    }

    private Module ReadModule(JsonElement e, string path, IReadOnlyCollection<string> extraKeys)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Error(path, $"a layer entry must be a JSON object, got {Kind(e)}");
        string cls = RequiredString(e, "class", path);
        string? name = OptionalString(e, "name", path);
        string where = name is null ? $"{path} ({cls})" : $"{path} '{name}' ({cls})";
        Module module;
        switch (cls)
        {
            case "Sequential":
                CheckKeys(e, where, extraKeys, "layers", "inputShape", "inputDType");
                module = ReadSequential(e, where);
                break;
            case "Model":
                CheckKeys(e, where, extraKeys, "inputs", "layers", "outputs");
                module = ReadGraph(e, where);
                break;
            default:
                var type = _catalog.ResolveLayer(cls, path);
                CheckKeys(e, where, extraKeys, "config");
                module = (Module)CreateObject(type, Required(e, "config", where), where);
                break;
        }
        if (name is not null) module.Name = name;
        return module;
    }

    private Sequential ReadSequential(JsonElement e, string where)
    {
        var layers = RequiredArray(e, "layers", where);
        var children = new List<Module>();
        for (int i = 0; i < layers.Count; i++)
        {
            var child = ReadModule(layers[i], $"{where}.layers[{i}]", Array.Empty<string>());
            // A Sequential names children by index; only a different, user-given name is kept on the layer.
            if (child.Name == i.ToString(CultureInfo.InvariantCulture)) child.Name = null;
            children.Add(child);
        }
        var seq = new Sequential(children.ToArray());
        if (e.TryGetProperty("inputShape", out var shapeEl))
        {
            var shape = ReadIntArray(shapeEl, $"{where} key 'inputShape'");
            if (shape.Any(d => d <= 0)) throw Error(where, $"'inputShape' must hold positive sizes, got [{string.Join(", ", shape)}]");
            DType? dtype = e.TryGetProperty("inputDType", out var dtEl) ? (DType)ReadValue(dtEl, typeof(DType), $"{where} key 'inputDType'")! : null;
            BuildSequential(seq, shape, dtype, where);
        }
        return seq;
    }

    /// <summary>
    /// Builds the lazy layers by a zero-batch probe. The file records the sample shape but not the input dtype
    /// unless "inputDType" is given, so without it the model's own float dtype is tried first, then int64 (indices).
    /// </summary>
    private static void BuildSequential(Sequential seq, int[] shape, DType? dtype, string where)
    {
        var candidates = dtype is DType d ? new[] { d } : new[] { GuessFloatDType(seq), DType.Int64 };
        Exception? first = null;
        foreach (var dt in candidates)
        {
            try
            {
                seq.ProbeOutput(new[] { (new Shape(shape), dt) });
                return;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                first ??= ex;
            }
        }
        throw new FormatException($"ModelJson: {where}: could not build the model for inputShape [{string.Join(", ", shape)}]: {first!.Message}", first);
    }

    private static DType GuessFloatDType(Module m)
    {
        var prop = m.GetType().GetProperty("DType", typeof(DType));
        if (prop is not null && prop.GetValue(m) is DType d && d.IsFloating()) return d;
        foreach (var c in m.Children())
        {
            var g = GuessFloatDType(c);
            if (g != DType.Float32) return g;
        }
        return DType.Float32;
    }

    private Model ReadGraph(JsonElement e, string where)
    {
        var produced = new Dictionary<(string, int), SymbolicTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var inputsEl = RequiredArray(e, "inputs", where);
        var inputs = new List<SymbolicTensor>();
        for (int i = 0; i < inputsEl.Count; i++)
        {
            string at = $"{where} inputs[{i}]";
            var inp = inputsEl[i];
            if (inp.ValueKind != JsonValueKind.Object) throw Error(at, $"must be an object {{\"name\", \"shape\", \"dtype\"}}, got {Kind(inp)}");
            CheckKeys(inp, at, Array.Empty<string>(), "name", "shape", "dtype");
            string name = ClaimName(RequiredString(inp, "name", at), names, at);
            var shape = ReadIntArray(Required(inp, "shape", at), $"{at} key 'shape'");
            var dtype = inp.TryGetProperty("dtype", out var dt) ? (DType)ReadValue(dt, typeof(DType), $"{at} key 'dtype'")! : DType.Float32;
            SymbolicTensor s;
            try { s = Input.Create(shape, dtype, name); }
            catch (ArgumentException ex) { throw new FormatException($"ModelJson: {at}: {ex.Message}", ex); }
            inputs.Add(s);
            produced[(name, 0)] = s;
        }

        var layersEl = RequiredArray(e, "layers", where);
        var layers = new List<(string Name, Module Layer, List<JsonElement[]> Calls, string Where)>();
        for (int i = 0; i < layersEl.Count; i++)
        {
            string path = $"{where}.layers[{i}]";
            var le = layersEl[i];
            var layer = ReadModule(le, path, new[] { "inbound" });
            string at = $"{path} '{RequiredString(le, "name", path)}'";
            string name = ClaimName(RequiredString(le, "name", path), names, at);
            var calls = new List<JsonElement[]>();
            var inbound = RequiredArray(le, "inbound", at);
            if (inbound.Count == 0) throw Error(at, "'inbound' lists no calls; every graph layer is called at least once");
            foreach (var call in inbound)
            {
                if (call.ValueKind != JsonValueKind.Array || call.GetArrayLength() == 0)
                    throw Error(at, $"each 'inbound' call must be a non-empty array of [name, call] references, got {Kind(call)}");
                calls.Add(call.EnumerateArray().ToArray());
            }
            layers.Add((name, layer, calls, at));
        }

        // Calls are replayed once all the tensors they read exist; a shared layer's calls may interleave with others.
        var next = new int[layers.Count];
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < layers.Count; i++)
            {
                var (name, layer, calls, at) = layers[i];
                while (next[i] < calls.Count)
                {
                    var refs = calls[next[i]].Select(r => ReadRef(r, $"{at} inbound call {next[i]}")).ToArray();
                    if (!refs.All(produced.ContainsKey)) break;
                    SymbolicTensor output;
                    try { output = layer.Call(refs.Select(r => produced[r]).ToArray()); }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                    {
                        throw new FormatException($"ModelJson: {at} call {next[i]}: {ex.Message}", ex);
                    }
                    produced[(name, next[i])] = output;
                    next[i]++;
                    progress = true;
                }
            }
        }
        for (int i = 0; i < layers.Count; i++)
            if (next[i] < layers[i].Calls.Count)
            {
                var missing = layers[i].Calls[next[i]].Select(r => ReadRef(r, layers[i].Where)).First(r => !produced.ContainsKey(r));
                throw Error(layers[i].Where, $"inbound call {next[i]} reads [\"{missing.Item1}\", {missing.Item2}], which no input or layer call produces (or the calls form a cycle)");
            }

        var outputsEl = RequiredArray(e, "outputs", where);
        var outputs = new List<SymbolicTensor>();
        for (int i = 0; i < outputsEl.Count; i++)
        {
            var r = ReadRef(outputsEl[i], $"{where} outputs[{i}]");
            if (!produced.TryGetValue(r, out var s))
                throw Error($"{where} outputs[{i}]", $"refers to [\"{r.Item1}\", {r.Item2}], which no input or layer call produces");
            outputs.Add(s);
        }
        try
        {
            return new Model(inputs.ToArray(), outputs.ToArray());
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"ModelJson: {where}: {ex.Message}", ex);
        }
    }

    private static string ClaimName(string name, HashSet<string> names, string at)
    {
        if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal)) throw Error(at, $"the name '{name}' must be non-empty and contain no '.'");
        if (!names.Add(name)) throw Error(at, $"the name '{name}' is used twice among the graph's inputs and layers");
        return name;
    }

    private static (string, int) ReadRef(JsonElement r, string at)
    {
        if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 2 || r[0].ValueKind != JsonValueKind.String)
            throw Error(at, $"a tensor reference must be [\"name\", callIndex], got {r.GetRawText()}");
        return (r[0].GetString()!, ReadInt(r[1], $"{at} reference {r.GetRawText()}"));
    }

    /// <summary>Calls the type's widest public constructor with values from <paramref name="config"/> (defaults for absent optional keys).</summary>
    private object CreateObject(Type type, JsonElement config, string where)
    {
        if (config.ValueKind != JsonValueKind.Object) throw Error(where, $"'config' must be a JSON object, got {Kind(config)}");
        ConstructorInfo ctor;
        IReadOnlyList<(ParameterInfo Parameter, PropertyInfo? Property)> bindings;
        try
        {
            ctor = LayerConfig.Constructor(type);
            bindings = LayerConfig.Bindings(type);
        }
        catch (InvalidOperationException ex) { throw new FormatException(ex.Message, ex); }
        var keys = bindings.Select(b => LayerConfig.Key(b.Parameter)).ToArray();
        foreach (var prop in config.EnumerateObject())
            if (!keys.Contains(prop.Name, StringComparer.Ordinal))
                throw Error(where, $"unknown config key '{prop.Name}'; {type.Name} takes {(keys.Length == 0 ? "no keys" : string.Join(", ", keys))}");
        var parameters = ctor.GetParameters();
        var args = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (LayerConfig.IsSkipped(p)) { args[i] = null; continue; }
            string key = LayerConfig.Key(p);
            if (config.TryGetProperty(key, out var v)) args[i] = ReadValue(v, p.ParameterType, $"{where} config key '{key}'");
            else if (p.IsDefined(typeof(ParamArrayAttribute))) args[i] = Array.CreateInstance(p.ParameterType.GetElementType()!, 0);
            else if (p.HasDefaultValue) args[i] = p.DefaultValue ?? (p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null);
            else throw Error(where, $"missing config key '{key}'");
        }
        try
        {
            return ctor.Invoke(args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new FormatException($"ModelJson: {where}: the constructor rejected the config: {ex.InnerException.Message}", ex.InnerException);
        }
    }

    private object? ReadValue(JsonElement v, Type declared, string where)
    {
        var underlying = Nullable.GetUnderlyingType(declared);
        if (v.ValueKind == JsonValueKind.Null)
            return underlying is not null || !declared.IsValueType ? null : throw Error(where, $"must not be null (a {declared.Name})");
        var type = underlying ?? declared;
        if (type == typeof(bool))
            return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Error(where, $"expects true or false, got {v.GetRawText()}");
        if (type == typeof(int)) return ReadInt(v, where);
        if (type == typeof(long))
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l : throw Error(where, $"expects an integer, got {v.GetRawText()}");
        if (type == typeof(double)) return ReadDouble(v, where);
        if (type == typeof(float)) return (float)ReadDouble(v, where);
        if (type == typeof(string))
            return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(where, $"expects a string, got {v.GetRawText()}");
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            if (v.ValueKind == JsonValueKind.String && names.Contains(v.GetString(), StringComparer.Ordinal)) return Enum.Parse(type, v.GetString()!);
            throw Error(where, $"expects one of {string.Join(", ", names)} (as a string), got {v.GetRawText()}");
        }
        if (type == typeof(IntPair))
        {
            if (v.ValueKind == JsonValueKind.Number) return new IntPair(ReadInt(v, where), ReadInt(v, where));
            if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2) return new IntPair(ReadInt(v[0], where), ReadInt(v[1], where));
            throw Error(where, $"expects an integer or a pair [h, w], got {v.GetRawText()}");
        }
        if (type == typeof(Shape))
        {
            var dims = ReadIntArray(v, where);
            return dims.All(d => d >= 0) ? new Shape(dims) : throw Error(where, $"expects non-negative sizes, got {v.GetRawText()}");
        }
        if (type.IsArray)
        {
            if (v.ValueKind != JsonValueKind.Array) throw Error(where, $"expects an array, got {v.GetRawText()}");
            var elem = type.GetElementType()!;
            var arr = Array.CreateInstance(elem, v.GetArrayLength());
            int i = 0;
            foreach (var item in v.EnumerateArray()) arr.SetValue(ReadValue(item, elem, $"{where}[{i}]"), i++);
            return arr;
        }
        if (typeof(Module).IsAssignableFrom(type))
        {
            var m = ReadModule(v, where, Array.Empty<string>());
            return type.IsInstanceOfType(m) ? m : throw Error(where, $"expects a {type.Name}, got a {m.GetType().Name}");
        }
        if (_catalog.IsConfigObjectType(type))
        {
            if (v.ValueKind != JsonValueKind.Object) throw Error(where, $"expects an object {{\"class\", \"config\"}}, got {v.GetRawText()}");
            CheckKeys(v, where, Array.Empty<string>(), "class", "config");
            var concrete = _catalog.ResolveConfigType(type, RequiredString(v, "class", where), where);
            return CreateObject(concrete, Required(v, "config", where), $"{where} ({concrete.Name})");
        }
        throw Error(where, $"values of type {type.Name} cannot be read");
    }

    private static int ReadInt(JsonElement v, string where)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt32(out int i)) return i;
            if (v.TryGetDouble(out double d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue) return (int)d;
        }
        throw Error(where, $"expects a 32-bit integer, got {v.GetRawText()}");
    }

    private static double ReadDouble(JsonElement v, string where)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)) return d;
        if (v.ValueKind == JsonValueKind.String)
            switch (v.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        throw Error(where, $"expects a number, got {v.GetRawText()}");
    }

    private static int[] ReadIntArray(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Array) throw Error(where, $"expects an array of integers, got {v.GetRawText()}");
        return v.EnumerateArray().Select((x, i) => ReadInt(x, $"{where}[{i}]")).ToArray();
    }

    private static void CheckKeys(JsonElement e, string where, IReadOnlyCollection<string> extra, params string[] allowed)
    {
        foreach (var p in e.EnumerateObject())
            if (!CommonKeys.Contains(p.Name) && !allowed.Contains(p.Name) && !extra.Contains(p.Name))
                throw Error(where, $"unknown key '{p.Name}'; expected {string.Join(", ", CommonKeys.Concat(allowed).Concat(extra))}");
    }

    private static JsonElement Required(JsonElement e, string key, string where) =>
        e.TryGetProperty(key, out var v) ? v : throw Error(where, $"missing key '{key}'");

    private static IReadOnlyList<JsonElement> RequiredArray(JsonElement e, string key, string where)
    {
        var v = Required(e, key, where);
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToArray() : throw Error(where, $"'{key}' must be an array, got {Kind(v)}");
    }

    private static string RequiredString(JsonElement e, string key, string where)
    {
        var v = Required(e, key, where);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error(where, $"'{key}' must be a string, got {v.GetRawText()}");
    }

    private static string? OptionalString(JsonElement e, string key, string where)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(where, $"'{key}' must be a string, got {v.GetRawText()}");
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static FormatException Error(string where, string what) => new($"ModelJson: {where}: {what}.");
}
