namespace Strata.Imaging;

/// <summary>Layout of an <see cref="Image"/>'s pixels: 8 bits per channel, channels interleaved; the value is the channel count.</summary>
public enum PixelFormat
{
    /// <summary>One luminance byte per pixel.</summary>
    Gray8 = 1,

    /// <summary>Luminance then alpha.</summary>
    GrayAlpha16 = 2,

    /// <summary>Red, green, blue.</summary>
    Rgb24 = 3,

    /// <summary>Red, green, blue, alpha (straight, not premultiplied).</summary>
    Rgba32 = 4,
}
