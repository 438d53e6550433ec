namespace Strata.Data.Text;

/// <summary>Where <see cref="Sequences.Pad"/> adds padding or cuts a long sequence (Keras <c>pad_sequences</c>).</summary>
public enum PadSide
{
    /// <summary>At the start (Keras' default).</summary>
    Pre,
    /// <summary>At the end.</summary>
    Post,
}

/// <summary>Turns token-id sequences of different lengths into batches.</summary>
public static class Sequences
{
    /// <summary>
    /// A [N, maxLength] int64 tensor of the sequences, padded with <paramref name="value"/> and truncated to
    /// <paramref name="maxLength"/> (the longest sequence when null), as Keras' <c>pad_sequences</c>.
    /// </summary>
    public static Tensor Pad(IReadOnlyList<int[]> sequences, int? maxLength = null, PadSide padding = PadSide.Pre,
        PadSide truncating = PadSide.Pre, long value = Tokenizer.PadId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int len = maxLength ?? (sequences.Count == 0 ? 0 : sequences.Max(s => s.Length));
        if (len < 0) throw new ArgumentOutOfRangeException(nameof(maxLength), $"Sequences.Pad: maxLength must be ≥ 0, got {len}.");
        var data = new long[sequences.Count * len];
        Array.Fill(data, value);
        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            int n = Math.Min(s.Length, len);
            int from = truncating == PadSide.Pre ? s.Length - n : 0;
            int to = padding == PadSide.Pre ? len - n : 0;
            for (int j = 0; j < n; j++) data[i * len + to + j] = s[from + j];
        }
        return Tensor.FromArray(data, sequences.Count, len);
    }

    /// <summary>
    /// Groups sequence indices into batches of similar length (sorted by length inside shuffled buckets of
    /// <paramref name="bucketSize"/> × batch size), so padding wastes little; the batch order is shuffled with the seed.
    /// </summary>
    public static List<int[]> BatchesByLength(IReadOnlyList<int> lengths, int batchSize, int seed, int bucketSize = 50)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Sequences.BatchesByLength: batchSize must be positive, got {batchSize}.");
        var g = new Generator((ulong)(uint)seed);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        for (int i = order.Length - 1; i > 0; i--) { int j = g.NextInt(i + 1); (order[i], order[j]) = (order[j], order[i]); }
        var batches = new List<int[]>();
        int bucket = batchSize * Math.Max(1, bucketSize);
        for (int start = 0; start < order.Length; start += bucket)
        {
            var chunk = order.Skip(start).Take(bucket).OrderBy(i => lengths[i]).ThenBy(i => i).ToArray();
            for (int b = 0; b < chunk.Length; b += batchSize) batches.Add(chunk.Skip(b).Take(batchSize).ToArray());
        }
        for (int i = batches.Count - 1; i > 0; i--) { int j = g.NextInt(i + 1); (batches[i], batches[j]) = (batches[j], batches[i]); }
        return batches;
    }
}
