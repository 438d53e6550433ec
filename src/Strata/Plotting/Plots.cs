using Strata.Imaging;

namespace Strata.Plotting;

/// <summary>
/// Training and evaluation charts written as PNG files (no plotting library needed): learning curves, confusion
/// matrices and ROC curves. Files are written atomically.
/// </summary>
public static class Plots
{
    /// <summary>
    /// Learning curves from a training history (Keras' <c>history.history</c>): one panel per metric, the
    /// training values ("loss", "accuracy") and the validation values ("val_loss", "val_accuracy") as two
    /// coloured lines over epochs 1…n, with a legend. Non-finite values leave a gap.
    /// </summary>
    /// <param name="history">Values per epoch by key.</param>
    /// <param name="path">PNG file to write.</param>
    public static void LearningCurves(IReadOnlyDictionary<string, IReadOnlyList<double>> history, string path) =>
        Save(LearningCurvePlot.Render(history).Canvas, path);

    /// <summary>
    /// A confusion matrix heatmap: rows are true classes, columns predicted ones, each cell shows its count (or,
    /// with <paramref name="normalize"/>, its share of the row, i.e. the per-class recall on the diagonal).
    /// </summary>
    /// <param name="matrix">Counts [true class, predicted class], e.g. from <c>Classification.ConfusionMatrix</c>.</param>
    /// <param name="classNames">A name per class (null: the class indices).</param>
    /// <param name="path">PNG file to write.</param>
    /// <param name="normalize">Show row fractions instead of counts.</param>
    public static void ConfusionMatrix(long[,] matrix, IReadOnlyList<string>? classNames, string path, bool normalize = false) =>
        Save(ConfusionMatrixPlot.Render(matrix, classNames, normalize).Canvas, path);

    /// <summary>
    /// One or more ROC curves (e.g. from <c>Roc.Curve</c> and <c>Roc.Auc</c>) with the chance diagonal; the
    /// legend gives each curve's AUC.
    /// </summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="curves">Label, false positive rates, true positive rates and AUC of each curve.</param>
    public static void RocCurve(string path, params (string Label, IReadOnlyList<double> Fpr, IReadOnlyList<double> Tpr, double Auc)[] curves) =>
        Save(RocCurvePlot.Render(curves).Canvas, path);

    private static void Save(Canvas canvas, string path) => PngEncoder.Save(path, canvas.ToImage());
}
