using System.Globalization;
using System.Numerics;

namespace Strata.Metrics;

/// <summary>
/// Fixed-point text of a double rounded half-to-even on its exact binary value, as Python's <c>"{:.2f}"</c>: .NET
/// rounds exact ties away from zero (0.125 → "0.13" where Python prints "0.12"), which would make reports differ
/// from scikit-learn's on values such as 1/8.
/// </summary>
internal static class FixedPoint
{
    public static string Format(double value, int digits)
    {
        if (!double.IsFinite(value)) return double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1;
        else mantissa |= 1L << 52;
        exponent -= 1075; // |value| = mantissa · 2^exponent exactly

        BigInteger numerator = mantissa * BigInteger.Pow(10, digits), denominator = BigInteger.One;
        if (exponent >= 0) numerator <<= exponent;
        else denominator <<= -exponent;
        var q = BigInteger.DivRem(numerator, denominator, out var r);
        int cmp = (r * 2).CompareTo(denominator);
        if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;

        string s = q.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        string text = digits == 0 ? s : s[..^digits] + "." + s[^digits..];
        return negative ? "-" + text : text; // Python keeps the sign of -0.001 → "-0.00"
    }
}
