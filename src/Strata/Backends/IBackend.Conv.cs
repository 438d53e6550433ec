namespace Strata.Backends;

/// <summary>Stride, padding, dilation and groups of a 2-D convolution; spatial sizes come from the tensor descriptions.</summary>
public readonly record struct Conv2dParams(int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW, int Groups);

/// <summary>Window geometry of a 2-D pooling op; spatial sizes come from the tensor descriptions.</summary>
public readonly record struct Pool2dParams(int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW);

// Convolution and pooling kernels. Shapes are already validated by the ops; x may have any strides, every other
// operand is contiguous (the ops copy when needed, so kernels can treat channel/spatial blocks as matrices).
public partial interface IBackend
{
    /// <summary>
    /// y[N,O,OH,OW] = conv2d(x[N,C,H,W], w[O,C/groups,kH,kW]) + bias[O]. Pass <c>default</c> (null buffer) for no bias.
    /// </summary>
    void Conv2d(in TensorDesc x, in TensorDesc w, in TensorDesc bias, in TensorDesc y, in Conv2dParams p);

    /// <summary>gx[N,C,H,W] = gradient of conv2d w.r.t. its input for output gradient gy[N,O,OH,OW] (written, not accumulated).</summary>
    void Conv2dBackwardInput(in TensorDesc gy, in TensorDesc w, in TensorDesc gx, in Conv2dParams p);

    /// <summary>gw[O,C/groups,kH,kW] = gradient of conv2d w.r.t. its weight, summed over images in index order.</summary>
    void Conv2dBackwardWeight(in TensorDesc x, in TensorDesc gy, in TensorDesc gw, in Conv2dParams p);

    /// <summary>
    /// Whether <see cref="Conv2dMaxPool2x2"/> has a kernel for this convolution (an optional fusion: when false the op
    /// runs conv2d and max_pool2d separately). x [N,C,H,W], w [O,C,kH,kW].
    /// </summary>
    bool SupportsConv2dMaxPool2x2(in TensorDesc x, in TensorDesc w, in Conv2dParams p);

    /// <summary>
    /// y[N,O,OH/2,OW/2] = max_pool2d(conv2d(x, w) + bias, 2x2, stride 2) without materialising the conv output;
    /// indices (int32) get the flat h·OW+w position of each maximum in its conv output plane, as <see cref="MaxPool2d"/>.
    /// </summary>
    void Conv2dMaxPool2x2(in TensorDesc x, in TensorDesc w, in TensorDesc bias, in TensorDesc y, in TensorDesc indices, in Conv2dParams p);

    /// <summary>gx = conv2d input gradient for the conv output gradient that is gy [N,O,OH/2,OW/2] placed at indices.</summary>
    void Conv2dMaxPool2x2BackwardInput(in TensorDesc gy, in TensorDesc indices, in TensorDesc w, in TensorDesc gx, in Conv2dParams p);

    /// <summary>gw = conv2d weight gradient for the conv output gradient that is gy [N,O,OH/2,OW/2] placed at indices.</summary>
    void Conv2dMaxPool2x2BackwardWeight(in TensorDesc x, in TensorDesc gy, in TensorDesc indices, in TensorDesc gw, in Conv2dParams p);

    /// <summary>gconv[N,O,OH,OW] = gy [N,O,OH/2,OW/2] placed at the int32 indices of <see cref="Conv2dMaxPool2x2"/>, zero elsewhere.</summary>
    void MaxPool2x2Unpool(in TensorDesc gy, in TensorDesc indices, in TensorDesc gconv);

    /// <summary>y[N,C,OH,OW] = window maxima of x; indices (int64) get the flat h*W+w position of each maximum in its plane.</summary>
    void MaxPool2d(in TensorDesc x, in TensorDesc y, in TensorDesc indices, in Pool2dParams p);

    /// <summary>gx[N,C,H,W] = gy scattered (summed) to the positions in indices.</summary>
    void MaxPool2dBackward(in TensorDesc gy, in TensorDesc indices, in TensorDesc gx);

    /// <summary>y[N,C,OH,OW] = window means of x (PyTorch's divisor rules; dilation must be 1).</summary>
    void AvgPool2d(in TensorDesc x, in TensorDesc y, in Pool2dParams p, bool countIncludePad);

    /// <summary>gx[N,C,H,W] = gradient of <see cref="AvgPool2d"/> for gy.</summary>
    void AvgPool2dBackward(in TensorDesc gy, in TensorDesc gx, in Pool2dParams p, bool countIncludePad);

    /// <summary>y[N,C,OH,OW] = means over PyTorch's adaptive windows [floor(i*H/OH), ceil((i+1)*H/OH)).</summary>
    void AdaptiveAvgPool2d(in TensorDesc x, in TensorDesc y);

    /// <summary>gx[N,C,H,W] = gradient of <see cref="AdaptiveAvgPool2d"/> for gy.</summary>
    void AdaptiveAvgPool2dBackward(in TensorDesc gy, in TensorDesc gx);
}
