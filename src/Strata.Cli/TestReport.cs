using System.Text.Json.Nodes;
using Strata.Data;
using Strata.Metrics;
using Strata.Plotting;
using Strata.Training;

namespace Strata.Cli;

/// <summary>The test-set evaluation that `train` and `evaluate` print and write: loss, accuracy, per-class report, ROC-AUC, plots.</summary>
internal sealed class TestReport
{
    public required double Loss { get; init; }
    public required double Accuracy { get; init; }
    public required ClassificationReport Report { get; init; }
    public required long[,] Confusion { get; init; }
    public required double RocAucOvr { get; init; }
    public required List<(string Label, IReadOnlyList<double> Fpr, IReadOnlyList<double> Tpr, double Auc)> RocCurves { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }

    public static TestReport Compute(Model model, TensorDataset test, IReadOnlyList<string> classNames, int batchSize)
    {
        var eval = model.Evaluate(test, batchSize);
        using var scope = Tensor.Scope();
        var probs = model.Predict(test.X, batchSize);
        int n = probs.Shape[0], c = probs.Shape[1];
        if (c != classNames.Count)
            throw new CliException($"the model outputs {c} values per sample but the data has {classNames.Count} classes.");
        var p = probs.To(DType.Float64).ToArray<double>();
        var truth = test.Y.To(DType.Int64).ToArray<long>().Select(v => (int)v).ToArray();
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int k = 1; k < c; k++) if (p[i * c + k] > p[i * c + best]) best = k;
            predicted[i] = best;
        }
        var curves = new List<(string, IReadOnlyList<double>, IReadOnlyList<double>, double)>();
        var aucs = new List<double>();
        for (int k = 0; k < c; k++)
        {
            var scores = new double[n];
            var labels = new int[n];
            for (int i = 0; i < n; i++) { scores[i] = p[i * c + k]; labels[i] = truth[i] == k ? 1 : 0; }
            if (labels.All(l => l == 0) || labels.All(l => l == 1)) continue;
            var (fpr, tpr, _) = Roc.Curve(scores, labels);
            double auc = Roc.Auc(scores, labels);
            aucs.Add(auc);
            curves.Add((classNames[k], fpr, tpr, auc));
        }
        return new TestReport
        {
            Loss = eval["loss"],
            Accuracy = eval.TryGetValue("accuracy", out var acc) ? acc : predicted.Zip(truth).Count(t => t.First == t.Second) / (double)n,
            Report = Classification.Report(truth, predicted, classNames),
            Confusion = Classification.ConfusionMatrix(truth, predicted, c),
            RocAucOvr = aucs.Count == 0 ? double.NaN : aucs.Average(),
            RocCurves = curves,
            ClassNames = classNames,
        };
    }

    public void Print(TextWriter o)
    {
        o.WriteLine();
        o.WriteLine(Report.ToString(4));
        o.WriteLine(FormattableString.Invariant($"test_loss: {Loss:F4}   test_accuracy: {Accuracy:F4}   roc_auc (one-vs-rest, macro): {RocAucOvr:F4}"));
    }

    /// <summary>Adds the test figures to <paramref name="json"/> (the metrics.json object).</summary>
    public void AddTo(JsonObject json)
    {
        json["test_accuracy"] = Accuracy;
        json["test_loss"] = Loss;
        json["test_roc_auc_ovr"] = double.IsNaN(RocAucOvr) ? null : RocAucOvr;
        json["test_precision_macro"] = Report.MacroAverage.Precision;
        json["test_recall_macro"] = Report.MacroAverage.Recall;
        json["test_f1_macro"] = Report.MacroAverage.F1Score;
        json["test_f1_weighted"] = Report.WeightedAverage.F1Score;
        var perClass = new JsonObject();
        foreach (var row in Report.Classes)
            perClass[row.Name] = new JsonObject { ["precision"] = row.Precision, ["recall"] = row.Recall, ["f1"] = row.F1Score, ["support"] = row.Support };
        json["per_class"] = perClass;
        var matrix = new JsonArray();
        for (int i = 0; i < Confusion.GetLength(0); i++)
        {
            var row = new JsonArray();
            for (int j = 0; j < Confusion.GetLength(1); j++) row.Add(Confusion[i, j]);
            matrix.Add(row);
        }
        json["confusion_matrix"] = matrix;
    }

    public void WritePlots(string dir)
    {
        Plots.ConfusionMatrix(Confusion, ClassNames, Path.Combine(dir, "confusion.png"));
        if (RocCurves.Count > 0) Plots.RocCurve(Path.Combine(dir, "roc.png"), RocCurves.ToArray());
    }
}
