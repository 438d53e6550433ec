using System.Text.Json;
using Strata.NN;

namespace Strata.Serialization;

/// <summary>
/// Architecture JSON (Keras <c>model.to_json()</c> / <c>model_from_json</c>): the layers and how they connect, not
/// the weights (save those with the weights file and load them after <see cref="FromJson(string)"/>).
/// <para>Format, version 1:</para>
/// <code>
/// {"format":"strata.model","version":1,"class":"Sequential","inputShape":[1,28,28],
///  "layers":[{"class":"Conv2D","name":"0","config":{"filters":32,"kernelSize":3,"stride":1,...}}, ...]}
/// </code>
/// <list type="bullet">
/// <item>A <b>layer entry</b> is <c>{"class", "name", "config"}</c>. <c>config</c> maps each parameter of the layer's
/// widest public constructor (by its camelCase name) to the value of the public property of the same name:
/// numbers, bools, strings, enums and <see cref="DType"/> as their names, arrays, <see cref="IntPair"/> as <c>3</c> or
/// <c>[3, 5]</c>, <see cref="Shape"/> as an array, non-finite floats as "NaN"/"Infinity"/"-Infinity", layers as nested
/// layer entries, and other Strata.NN objects (e.g. regularizers) as <c>{"class":"L2","config":{"l2":0.01}}</c>.
/// <see cref="Generator"/> parameters are not saved. A missing optional key takes the constructor's default.</item>
/// <item><b>Sequential</b>: <c>{"class":"Sequential", "layers":[entries], "inputShape"?, "inputDType"?}</c>, children
/// named "0", "1", ... (or their own <see cref="Module.Name"/>). <c>inputShape</c> is the per-sample shape, written
/// when the model has been called; on reading, the model is built at once by a zero-batch probe so that its
/// parameters exist and weights can be loaded. <c>inputDType</c> is optional; without it the model's float dtype is
/// tried, then int64 (for index inputs).</item>
/// <item><b>Graph model</b> (functional API): <c>{"class":"Model", "inputs":[{"name","shape","dtype"}],
/// "layers":[entry + "inbound"], "outputs":[ref]}</c>. A reference to a tensor is <c>["name", k]</c>: the k-th call
/// of the named layer, or input "name" with k = 0. <c>inbound</c> lists one array of references per call, so a
/// layer called twice (shared weights) appears once with two calls. Input shapes use −1 for unknown dims.</item>
/// <item>Sequential and graph models nest as layers of either kind.</item>
/// </list>
/// Reading creates only Strata layers: a class name is looked up in the fixed list of concrete layer classes of the
/// Strata.NN namespace (<see cref="KnownLayerClasses"/>), never resolved as an arbitrary type. Malformed JSON, an
/// unknown class or key, or a bad or missing value throws <see cref="FormatException"/> naming the layer and key.
/// </summary>
public static class ModelJson
{
    /// <summary>Value of the "format" field.</summary>
    public const string Format = "strata.model";

    /// <summary>Value of the "version" field written and read by this Strata.</summary>
    public const int Version = 1;

    /// <summary>Layer classes a file may name, besides the containers "Sequential" and "Model".</summary>
    public static IReadOnlyCollection<string> KnownLayerClasses => LayerCatalog.Strata.LayerNames;

    /// <summary>
    /// The architecture of a <see cref="Sequential"/>, a graph <see cref="Training.Model"/> or a single Strata layer.
    /// Throws <see cref="InvalidOperationException"/> for subclassed models and non-Strata layers, whose structure is code.
    /// </summary>
    public static string ToJson(Module model, bool indented = false) => ToJson(model, LayerCatalog.Strata, indented);

    /// <summary>Recreates the module (<see cref="Sequential"/>, graph <see cref="Training.Model"/> or layer) with fresh weights.</summary>
    public static Module FromJson(string json) => FromJson(json, LayerCatalog.Strata);

    internal static string ToJson(Module model, LayerCatalog catalog, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelJsonWriter(catalog).WriteRoot(model).ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    internal static Module FromJson(string json, LayerCatalog catalog) => new ModelJsonReader(catalog).ReadRoot(json);
}
