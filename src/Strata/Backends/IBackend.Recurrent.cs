namespace Strata.Backends;

// Whole-sequence recurrent kernels: the recurrence of one layer and direction in one call, with no per-step
// tensors or graph nodes.
public partial interface IBackend
{
    /// <summary>
    /// Runs <see cref="RecurrentBuffers.Cell"/> over every step: per step hProj = h·W_hhᵀ + b_hh, then the gate
    /// nonlinearities of (xProj + b_ih) and hProj and the state update in one pass. Writes Output, HN, CN and the saved buffers.
    /// </summary>
    void RecurrentForward(in RecurrentBuffers b);

    /// <summary>
    /// Backpropagation through time from the saved buffers of <see cref="RecurrentForward"/>: writes the gate
    /// gradients of every step (GradXProj, and GradHProj for GRU), the gradients of the initial states and of the biases.
    /// The weight gradients are products of the gate gradients with the inputs and saved states, left to the caller.
    /// </summary>
    void RecurrentBackward(in RecurrentBuffers b);
}
