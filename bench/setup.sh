#!/usr/bin/env bash
# Installs what the side-by-side bench needs beyond the .NET SDK (Debian 12, as root or with sudo):
# the full Fashion-MNIST set, PyTorch 1.13 for the Python peer, and OpenBLAS so that peer does not fall back to the
# reference BLAS. The libtorch peer comes from NuGet (TorchSharp-cpu) and is restored by dotnet itself.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends dataset-fashion-mnist python3-torch libopenblas0-pthread
/usr/bin/python3 -c "import torch; print('PyTorch', torch.__version__)"
ls /usr/share/datasets/fashion-mnist
