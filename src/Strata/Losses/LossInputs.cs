namespace Strata.Losses;

/// <summary>Argument checks and reshaping shared by the losses; every error names the loss and the shapes involved.</summary>
internal static class LossInputs
{
    /// <summary>Keras' fuzz factor: probabilities are clipped to [Epsilon, 1 − Epsilon] before a log.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>Checks that <paramref name="yPred"/> is floating-point with at least <paramref name="minRank"/> dims.</summary>
    public static void CheckPrediction(string loss, Tensor yPred, int minRank, string expected)
    {
        ArgumentNullException.ThrowIfNull(yPred);
        if (!yPred.DType.IsFloating())
            throw new ArgumentException($"{loss}: yPred must be floating-point, got {yPred.DType.Name()} of shape {yPred.Shape}.");
        if (yPred.Rank < minRank)
            throw new ArgumentException($"{loss}: yPred must be {expected}, got shape {yPred.Shape}.");
    }

    /// <summary>
    /// <paramref name="yTrue"/> as yPred's dtype and shape. A target that differs only by trailing size-1 dimensions
    /// ([N] against [N, 1], as Keras squeezes) is reshaped.
    /// </summary>
    public static Tensor Target(string loss, Tensor yPred, Tensor yTrue, string hint = "")
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        var t = yTrue;
        if (t.Shape != yPred.Shape)
        {
            if (!SameUpToTrailingOnes(t.Shape.ToArray(), yPred.Shape.ToArray()))
                throw new ArgumentException($"{loss}: yTrue of shape {yTrue.Shape} ({yTrue.DType.Name()}) does not match yPred of shape {yPred.Shape}{hint}.");
            t = t.Reshape(yPred.Shape.ToArray());
        }
        return t.DType == yPred.DType ? t : t.To(yPred.DType);
    }

    private static bool SameUpToTrailingOnes(int[] a, int[] b)
    {
        static int[] Trim(int[] s)
        {
            int n = s.Length;
            while (n > 1 && s[n - 1] == 1) n--;
            return s[..n];
        }
        return Trim(a).AsSpan().SequenceEqual(Trim(b));
    }

    /// <summary>The mean of an [N, ...] tensor over every dimension but the first: [N].</summary>
    public static Tensor MeanPerSample(Tensor elementwise)
    {
        if (elementwise.Rank == 1) return elementwise;
        return elementwise.Mean(Enumerable.Range(1, elementwise.Rank - 1).ToArray());
    }

    /// <summary>Per-row values [M] of an [N, ..., C] input (M = N · inner) averaged back to one per sample: [N].</summary>
    public static Tensor RowsToSamples(Tensor rows, int n)
    {
        int m = rows.Size(0);
        return m == n ? rows : rows.Reshape(n, m / n).Mean(1);
    }

    /// <summary>The sample weight as a [N] tensor of <paramref name="dtype"/> (a scalar is broadcast).</summary>
    public static Tensor SampleWeight(string loss, Tensor sampleWeight, int n, DType dtype)
    {
        var w = sampleWeight;
        if (w.Rank == 0) w = w.Reshape(1).Expand(n);
        else if (w.Rank == 2 && w.Size(1) == 1) w = w.Reshape(w.Size(0));
        if (w.Rank != 1 || w.Size(0) != n)
            throw new ArgumentException($"{loss}: sampleWeight must have shape [{n}] (one weight per sample), got {sampleWeight.Shape}.");
        if (w.DType == DType.Bool)
            throw new ArgumentException($"{loss}: sampleWeight must be numeric, got bool of shape {sampleWeight.Shape}.");
        return w.DType == dtype ? w : w.To(dtype);
    }

    /// <summary>A copy of a [C] class-weight tensor's values, or null.</summary>
    public static double[]? ClassWeight(string loss, Tensor? classWeight)
    {
        if (classWeight is null) return null;
        if (classWeight.Rank != 1)
            throw new ArgumentException($"{loss}: classWeight must be 1-D [C], got shape {classWeight.Shape}.");
        return ClassWeight(loss, classWeight.ToDoubleArray());
    }

    /// <summary>A validated copy of <paramref name="classWeight"/>.</summary>

    public static double[] ClassWeight(string loss, double[] classWeight)
    {
        ArgumentNullException.ThrowIfNull(classWeight);
        if (classWeight.Length == 0) throw new ArgumentException($"{loss}: classWeight is empty.");
        for (int i = 0; i < classWeight.Length; i++)
            if (!(classWeight[i] >= 0) || double.IsInfinity(classWeight[i]))
                throw new ArgumentException($"{loss}: classWeight[{i}] must be a finite non-negative number, got {classWeight[i]}.");
        return (double[])classWeight.Clone();
    }

    /// <summary>Checks that the class weight has one entry per class.</summary>
    public static void CheckClassCount(string loss, double[]? classWeight, int classes, Tensor yPred)
    {
        if (classWeight is not null && classWeight.Length != classes)
            throw new ArgumentException($"{loss}: classWeight has {classWeight.Length} entries but yPred of shape {yPred.Shape} has {classes} classes.");
    }

    public static void CheckLabelSmoothing(string loss, double labelSmoothing)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"{loss}: labelSmoothing must be in [0, 1], got {labelSmoothing}.");
    }

    /// <summary>An [N, ..., C] tensor as [M, C] rows.</summary>
    public static Tensor Rows(Tensor t) => t.Rank == 2 ? t : t.Reshape(-1, t.Size(-1));
}
