using Strata.NN;
using TorchSharp;
using static TorchSharp.torch.nn;

namespace Strata.Bench;

/// <summary>
/// The peer method's two models, built the way a user would in each framework (PyTorch's copies are in
/// bench/peers/pytorch_bench.py). MLP = Flatten, Linear(784,128)+ReLU, Linear(128,10). Seed CNN = Conv2d(1,32,3)+ReLU,
/// MaxPool2, Conv2d(32,64,3)+ReLU, MaxPool2, Flatten, Linear(1600,128)+ReLU, Dropout(0.5), Linear(128,10).
/// Sizes are given up front so the optimizer sees every parameter before the first step.
/// </summary>
public static class SeedModels
{
    public static Sequential StrataMlp(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Flatten(), new Dense(128, inputFeatures: 784, generator: g), new ReLU(), new Dense(10, inputFeatures: 128, generator: g));
    }

    public static Sequential StrataCnn(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(
            new Conv2D(32, 3, inChannels: 1, generator: g), new ReLU(), new MaxPool2D(2),
            new Conv2D(64, 3, inChannels: 32, generator: g), new ReLU(), new MaxPool2D(2),
            new Flatten(), new Dense(128, inputFeatures: 1600, generator: g), new ReLU(),
            new Dropout(0.5, new Generator(seed + 1)), new Dense(10, inputFeatures: 128, generator: g));
    }

    public static Module<torch.Tensor, torch.Tensor> TorchMlp(ulong seed)
    {
        torch.manual_seed((long)seed);
        return Sequential(Flatten(), Linear(784, 128), ReLU(), Linear(128, 10));
    }

    public static Module<torch.Tensor, torch.Tensor> TorchCnn(ulong seed)
    {
        torch.manual_seed((long)seed);
        return Sequential(
            Conv2d(1, 32, 3), ReLU(), MaxPool2d(2),
            Conv2d(32, 64, 3), ReLU(), MaxPool2d(2),
            Flatten(), Linear(1600, 128), ReLU(), Dropout(0.5), Linear(128, 10));
    }

    /// <summary>Frees a Strata model's parameters and gradients now instead of at finalization (Module is not IDisposable).</summary>
    public static void Release(Strata.NN.Module model)
    {
        foreach (var p in model.Parameters())
        {
            p.Grad?.Dispose();
            p.Data.Dispose();
        }
    }
}
