namespace Strata.Data.Readers;

/// <summary>Element types of the IDX format, by their header code.</summary>
internal enum IdxType : byte
{
    UnsignedByte = 0x08,
    SignedByte = 0x09,
    Short = 0x0B,
    Int = 0x0C,
    Float = 0x0D,
    Double = 0x0E,
}
