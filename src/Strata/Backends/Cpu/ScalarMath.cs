using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>Scalar definitions of the elementwise functions; vectorised paths must agree with these.</summary>
internal static class ScalarMath
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;

    public static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T>
        => x >= T.Zero ? T.One / (T.One + T.Exp(-x)) : T.Exp(x) / (T.One + T.Exp(x));

    /// <summary>log(1 + exp(x)) without overflow.</summary>
    public static T Softplus<T>(T x) where T : IFloatingPointIeee754<T>
        => T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x)));

    public static T Gelu<T>(T x) where T : IFloatingPointIeee754<T>
    {
        double xd = double.CreateTruncating(x);
        return T.CreateTruncating(0.5 * xd * (1.0 + Erf(xd * InvSqrt2)));
    }

    public static T GeluGrad<T>(T x) where T : IFloatingPointIeee754<T>
    {
        double xd = double.CreateTruncating(x);
        double cdf = 0.5 * (1.0 + Erf(xd * InvSqrt2));
        double pdf = InvSqrt2Pi * Math.Exp(-0.5 * xd * xd);
        return T.CreateTruncating(cdf + xd * pdf);
    }

    /// <summary>The error function to double precision (W. J. Cody's rational approximations).</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 0.5)
        {
            double t = x * x;
            double num = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
            double den = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
            return x * num / den;
        }
        return x < 0 ? Erfc(ax) - 1.0 : 1.0 - Erfc(ax);
    }

    private static double Erfc(double ax)
    {
        // ax >= 0.5
        if (ax < 4.0)
        {
            double num = (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
            double den = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
            return Math.Exp(-ax * ax) * num / den;
        }
        if (ax > 27.0) return 0.0;
        double z = 1.0 / (ax * ax);
        double pn = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z + 0.0160837851487422766) * z + 6.58749161529837803e-4;
        double pd = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z + 2.33520497626869185e-3;
        double r = z * pn / pd;
        return Math.Exp(-ax * ax) / ax * (0.56418958354775628695 - r);
    }
}
