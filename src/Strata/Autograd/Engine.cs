namespace Strata.Autograd;

/// <summary>Records ops and runs reverse-mode differentiation over the recorded graph.</summary>
internal static class Engine
{
    [ThreadStatic] private static List<Node>? _order;
    [ThreadStatic] private static Stack<(Node node, int next)>? _stack;
    [ThreadStatic] private static int _visitStamp;

    /// <summary>Profiling hook (bench/ConvProfile): when set, receives each node's op name and backward time in ticks.</summary>
    internal static Action<Node, long>? NodeTimer;

    public static bool ShouldRecord(Tensor a) => GradMode.IsEnabled && a.RequiresGrad;

    public static bool ShouldRecord(Tensor a, Tensor b) => GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad);

    public static bool ShouldRecord(ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Attaches a backward node to <paramref name="output"/> when any input requires grad.</summary>
    public static Tensor Record(Tensor output, string op, Tensor[] inputs, BackwardFn backward)
    {
        output._gradFn = new Node(op, inputs, backward, output._shape);
        return output;
    }

    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: this tensor does not require grad and has no graph; set RequiresGrad on the inputs you want gradients for.");
        if (gradient == null)
        {
            if (root.Numel != 1)
                throw new InvalidOperationException($"Backward: gradient can be implied only for a scalar output, but the output has shape {root.Shape}; pass a gradient of that shape.");
            gradient = Tensor.OnesLike(root);
        }
        else if (gradient.Shape != root.Shape)
            throw new ArgumentException($"Backward: gradient shape {gradient.Shape} does not match output shape {root.Shape}.");

        var node = root.GradFn;
        if (node == null)
        {
            AccumulateLeaf(root, gradient);
            return;
        }
        if (node.Released)
            throw new InvalidOperationException($"Backward: trying to backward through the graph a second time ('{node.Op}' was already released). Pass retainGraph: true to the first Backward call if you need to.");

        var order = TopologicalOrder(node);
        node.PendingGrad = gradient;
        using var noGrad = GradMode.NoGrad();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var n = order[i];
            var g = n.PendingGrad;
            n.PendingGrad = null;
            if (g == null) continue;
            if (n.Released)
                throw new InvalidOperationException($"Backward: trying to backward through the graph a second time ('{n.Op}' was already released). Pass retainGraph: true to the first Backward call if you need to.");
            Array.Clear(n.Grads);
            n.GradSlice = null;
            if (NodeTimer is { } timer)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                n.Backward!(g, n);
                timer(n, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
            }
            else n.Backward!(g, n);
            var slice = n.GradSlice;
            for (int k = 0; k < n.Inputs.Length; k++)
            {
                var gi = n.Grads[k];
                if (gi == null) continue;
                n.Grads[k] = null;
                var input = n.Inputs[k];
                if (!input.RequiresGrad) continue;
                // Mixed-dtype ops compute in the promoted dtype; each input gets its gradient in its own
                // dtype (as PyTorch), so a float32 parameter never ends up with a float64 Grad.
                if (gi.DType != input.DType) gi = gi.To(input.DType);
                if (slice is { } sl)
                {
                    AccumulateSlice(input, gi, sl);
                    continue;
                }
                if (gi.Shape != input.Shape)
                    throw new InvalidOperationException($"Autograd: backward of '{n.Op}' produced a gradient of shape {gi.Shape} for an input of shape {input.Shape}.");
                if (input.GradFn is { } child)
                {
                    if (child.PendingGrad == null)
                    {
                        // Not owned: a backward may pass its own gradient through (Add does), so it must not be mutated.
                        child.PendingGrad = gi;
                        child.PendingOwned = false;
                    }
                    else if (child.PendingOwned) child.PendingGrad.AddInPlace(gi);
                    else
                    {
                        child.PendingGrad = child.PendingGrad.Add(gi);
                        child.PendingOwned = true;
                    }
                }
                else
                    AccumulateLeaf(input, gi);
            }
            if (!retainGraph) n.Release();
        }
        order.Clear();
    }

    /// <summary>Adds the gradient of a slice of <paramref name="input"/> into that region of its accumulated gradient.</summary>
    private static void AccumulateSlice(Tensor input, Tensor sliceGrad, (int Dim, int Start, int End, int Step) sl)
    {
        if (input.GradFn is { } child)
        {
            if (child.PendingGrad == null || !child.PendingOwned)
            {
                var full = Tensor.Zeros(input.Shape.ToArray(), input.DType, input.Device);
                if (child.PendingGrad != null) full.CopyFrom(child.PendingGrad);
                child.PendingGrad = full;
                child.PendingOwned = true;
            }
            using var part = child.PendingGrad.Slice(sl.Dim, sl.Start, sl.End, sl.Step);
            part.AddInPlace(sliceGrad);
            return;
        }
        if (!input.RequiresGrad) return;
        if (input.Grad == null)
        {
            using (TensorScope.Suspend())
                input.Grad = Tensor.Zeros(input.Shape.ToArray(), input.DType, input.Device);
        }
        using var region = input.Grad.Slice(sl.Dim, sl.Start, sl.End, sl.Step);
        region.AddInPlace(sliceGrad);
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor grad)
    {
        if (!leaf.RequiresGrad) return;
        if (leaf.Grad == null)
        {
            using (TensorScope.Suspend())
                leaf.Grad = grad.Clone();
        }
        else
        {
            leaf.Grad.AddInPlace(grad);
        }
    }

    private static List<Node> TopologicalOrder(Node root)
    {
        var order = _order ??= new List<Node>();
        var stack = _stack ??= new Stack<(Node, int)>();
        order.Clear();
        int stamp = ++_visitStamp;
        root.Visit = stamp;
        stack.Push((root, 0));
        // Iterative post-order DFS: a node is appended after all its inputs' nodes, so walking the list
        // backwards visits every node after all of its consumers.
        while (stack.Count > 0)
        {
            var (n, next) = stack.Pop();
            if (next < n.Inputs.Length)
            {
                stack.Push((n, next + 1));
                var child = n.Inputs[next].GradFn;
                if (child != null && child.Visit != stamp)
                {
                    child.Visit = stamp;
                    stack.Push((child, 0));
                }
            }
            else
            {
                order.Add(n);
            }
        }
        return order;
    }
}
