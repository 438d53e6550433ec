using Strata.Autograd;

namespace Strata.NN;

// Keras-style model.summary(): one row per layer with its output shape and parameter count.
public abstract partial class Module
{
    /// <summary>
    /// A Keras-style summary table for inputs of per-sample shape <paramref name="inputShape"/> (the batch dim left out, e.g.
    /// <c>Summary(1, 28, 28)</c>). It runs one forward pass on a zeros batch of size 1 under no-grad in evaluation mode
    /// (each module's training mode is restored afterwards), which also builds lazy layers. The input's dtype is that of the
    /// first floating-point parameter or, before lazy layers are built, the <c>DType</c> property of the first layer that has
    /// one (float32 when there is none); use <see cref="Summary(int[], DType)"/> for integer inputs.
    /// </summary>
    public string Summary(params int[] inputShape)
    {
        return Summary(inputShape, DefaultInputDType());
    }

    /// <summary>As <see cref="Summary(int[])"/> with an input of dtype <paramref name="inputDType"/> (e.g. int64 token ids for an Embedding).</summary>
    public string Summary(int[] inputShape, DType inputDType)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var batchShape = new[] { 1 }.Concat(inputShape).ToArray();
        if (inputShape.Any(d => d <= 0))
            throw new ArgumentException($"{GetType().Name}.Summary: the per-sample input shape must have positive dims, got [{string.Join(", ", inputShape)}].", nameof(inputShape));
        var modules = WalkModules().Select(m => (m.Module, m.Module.IsTraining)).ToList();
        foreach (var (m, _) in modules)
        {
            m._lastOutputShape = null;
            m.IsTraining = false;
        }
        try
        {
            using var scope = Tensor.Scope();
            using var noGrad = GradMode.NoGrad();
            Invoke(Tensor.Zeros(batchShape, inputDType));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new ArgumentException($"{GetType().Name}.Summary: the forward pass on a zeros input of shape [{string.Join(", ", batchShape)}] " +
                $"({inputDType.Name()}) failed: {e.Message}", nameof(inputShape), e);
        }
        finally
        {
            foreach (var (m, training) in modules) m.IsTraining = training;
        }
        return Summary();
    }

    /// <summary>
    /// The summary table of an already-run model, with the output shapes of the last forward pass (batch dim shown as None;
    /// "?" for a layer that did not run through <see cref="Invoke(Tensor)"/>). Throws when the model has never run: then an input
    /// shape is needed, <see cref="Summary(int[])"/>.
    /// Layers of nested containers follow their container's row, indented. Param # counts parameters and floating-point
    /// buffers (running statistics; Keras counts them as non-trainable weights); integer buffers such as
    /// num_batches_tracked are not counted. Trainable params are those that require grad.
    /// </summary>
    public string Summary()
    {
        var walk = WalkModules().ToList();
        if (_lastOutputShape is null)
            throw new InvalidOperationException($"{GetType().Name}.Summary: the model has not run yet, so the output shapes are unknown; " +
                "pass the per-sample input shape, e.g. Summary(1, 28, 28), or call the model once first.");
        var rows = new List<SummaryTable.Row>();
        foreach (var (name, m, depth) in walk.Skip(1))
            rows.Add(new SummaryTable.Row($"{new string(' ', 2 * (depth - 1))}{name} ({m.GetType().Name})",
                SummaryTable.ShapeText(m._lastOutputShape), m.SummaryWeights().Sum(w => w.Numel)));
        var weights = SummaryWeights().ToList();
        long trainable = weights.Where(w => w.RequiresGrad).Sum(w => w.Numel);
        long total = weights.Sum(w => w.Numel);
        return SummaryTable.Format(GetType().Name, rows, trainable, total - trainable);
    }

    private DType DefaultInputDType()
    {
        foreach (var p in Parameters())
            if (p.DType.IsFloating()) return p.DType;
        foreach (var (_, m, _) in WalkModules())
            if (m.GetType().GetProperty("DType", typeof(DType)) is { } prop && prop.GetValue(m) is DType d && d.IsFloating()) return d;
        return DType.Float32;
    }

    // The tensors Summary counts: parameters and floating-point buffers, each once.
    private IEnumerable<Tensor> SummaryWeights() =>
        Parameters().Select(p => p.Data).Concat(Buffers().Where(b => b.DType.IsFloating())).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>();
}
