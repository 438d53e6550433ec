namespace Strata.Autograd;

/// <summary>Outcome of <see cref="GradCheck.Check"/>.</summary>
public sealed record GradCheckResult(bool Passed, double MaxRelativeError, int WorstInput, int WorstElement, double Analytic, double Numeric)
{
    public override string ToString() =>
        $"{(Passed ? "passed" : "FAILED")}: max relative error {MaxRelativeError:E2} at input {WorstInput} element {WorstElement} (analytic {Analytic:G10}, numeric {Numeric:G10})";
}

/// <summary>
/// Compares autograd's gradients with central finite differences, as <c>torch.autograd.gradcheck</c>. The output
/// is contracted with fixed random weights so every output element contributes. Use float64 inputs.
/// </summary>
public static class GradCheck
{
    /// <param name="f">The function under test; it may build views of its inputs.</param>
    /// <param name="inputs">Float64 inputs; those with RequiresGrad are checked.</param>
    /// <param name="eps">Finite-difference step.</param>
    /// <param name="tolerance">Largest allowed error, relative to the largest gradient magnitude of each input (at least 1e-3 in scale).</param>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double tolerance = 1e-6)
    {
        foreach (var t in inputs)
            if (t.RequiresGrad && t.DType != DType.Float64)
                throw new ArgumentException($"GradCheck: inputs that require grad must be float64, got {t.DType.Name()} of shape {t.Shape}.");
        using var scope = TensorScope.Begin();
        foreach (var t in inputs) t.Grad = null;
        var output = f(inputs);
        var weights = Tensor.Uniform(output.Shape.ToArray(), 0.5, 1.5, new Generator(1234), output.DType);
        var loss = output.Mul(weights).Sum();
        loss.Backward();

        double worst = 0, worstA = 0, worstN = 0;
        int worstInput = -1, worstElem = -1;
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            if (!x.RequiresGrad) continue;
            var analytic = x.Grad?.ToDoubleArray() ?? new double[x.Numel];
            var values = x.ToDoubleArray();
            var numeric = new double[values.Length];
            for (int e = 0; e < values.Length; e++)
            {
                double orig = values[e];
                values[e] = orig + eps;
                double plus = Evaluate(f, inputs, i, values, weights);
                values[e] = orig - eps;
                double minus = Evaluate(f, inputs, i, values, weights);
                values[e] = orig;
                numeric[e] = (plus - minus) / (2 * eps);
            }
            Set(x, values);
            double scale = 1e-3;
            foreach (var v in numeric) scale = Math.Max(scale, Math.Abs(v));
            for (int e = 0; e < numeric.Length; e++)
            {
                double err = Math.Abs(analytic[e] - numeric[e]) / scale;
                if (err > worst || worstInput < 0)
                {
                    worst = Math.Max(err, worst);
                    if (err >= worst) { worstInput = i; worstElem = e; worstA = analytic[e]; worstN = numeric[e]; }
                }
            }
        }
        foreach (var t in inputs) { t.Grad?.Dispose(); t.Grad = null; }
        return new GradCheckResult(worst < tolerance, worst, worstInput, worstElem, worstA, worstN);
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, int which, double[] values, Tensor weights)
    {
        using var scope = TensorScope.Begin();
        Set(inputs[which], values);
        using var noGrad = GradMode.NoGrad();
        var y = f(inputs);
        return y.Mul(weights).Sum().Item();
    }

    private static void Set(Tensor x, double[] values)
    {
        using var noGrad = GradMode.NoGrad();
        using var src = Tensor.FromSpan<double>(values, x.Shape.ToArray()); // not FromArray: it reads an empty shape as 1-D, which breaks rank-0 inputs
        x.CopyFrom(src);
    }
}
