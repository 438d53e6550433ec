namespace Strata.Metrics;

/// <summary>One batch reduced to class indices: what the confusion-matrix based metrics accumulate.</summary>
/// <param name="True">Target class of each sample.</param>
/// <param name="Pred">Predicted class of each sample.</param>
/// <param name="NumClasses">Classes implied by the prediction's shape (C for [N, C] scores, 2 for binary), or 0
/// when the predictions were class indices and the count is only known from the values.</param>
internal readonly record struct ClassBatch(int[] True, int[] Pred, int NumClasses);
