namespace Strata.Data.Readers;

/// <summary>A validated IDX file: its type, shape and raw big-endian element bytes.</summary>
internal sealed record IdxData(string Path, IdxType Type, int[] Dims, byte[] Bytes);
