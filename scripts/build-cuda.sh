#!/usr/bin/env bash
# Builds facelab with `--features cuda` on a Linux machine with or without an NVIDIA GPU.
#
# The CUDA toolkit comes from PyPI (nvcc, the runtime, cuBLAS, cuRAND, NVRTC and CCCL headers)
# and is put together under one folder the way candle's build expects. Where no NVIDIA driver
# is installed, a stub libcuda.so (every driver function the bindings declare, doing nothing)
# is generated for the linker; the binary then needs the real libcuda.so.1 to start, which a
# machine with a GPU has.
#
# Usage: scripts/build-cuda.sh [extra cargo build arguments]
# Environment: CUDA_COMPUTE_CAP (default 90, the H100/H200), PYTHON (default python3),
# FACELAB_CUDA_ROOT (where the toolkit is assembled, default ~/.cache/facelab/cuda-root).
# The binary lands in target/cuda/release/facelab.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
root=${FACELAB_CUDA_ROOT:-$HOME/.cache/facelab/cuda-root}
export CUDA_COMPUTE_CAP=${CUDA_COMPUTE_CAP:-90}

toolkit_dir() {
  "$python" - <<'PY' 2>/dev/null
import os, nvidia
for base in nvidia.__path__:
    path = os.path.join(base, "cu13")
    if os.path.exists(os.path.join(path, "bin", "nvcc")):
        print(path)
        break
PY
}

toolkit=$(toolkit_dir || true)
if [ -z "$toolkit" ]; then
  echo "installing the CUDA toolkit from PyPI"
  "$python" -m pip install --quiet "cuda-toolkit[nvcc,cudart,cublas,curand,nvrtc,cccl]"
  toolkit=$(toolkit_dir)
fi
echo "CUDA toolkit: $toolkit"

# One folder with bin, include, nvvm and lib, and unversioned names for the libraries.
mkdir -p "$root/lib/stubs"
for part in bin include nvvm; do
  ln -sfn "$toolkit/$part" "$root/$part"
done
for library in "$toolkit"/lib/*.so*; do
  name=$(basename "$library")
  ln -sf "$library" "$root/lib/$name"
  ln -sf "$library" "$root/lib/${name%%.so*}.so"
done

# A stub driver library for the linker, unless a real driver is installed. Each of its
# functions returns CUDA_ERROR_NO_DEVICE (100), so that with the stub on LD_LIBRARY_PATH the
# binary starts and shows its fallback to the CPU.
if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; then
  cargo fetch --quiet
  cudarc_version=$(awk '/^name = "cudarc"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  cargo_home=${CARGO_HOME:-$HOME/.cargo}
  bindings=$(ls -d "$cargo_home"/registry/src/*/cudarc-"$cudarc_version"/src/driver/sys/mod.rs | head -1)
  sed -n 's/^ *fn \(cu[A-Za-z0-9_]*\)(.*/int \1(void) { return 100; }/p' "$bindings" | sort -u > "$root/lib/stubs/cuda_stub.c"
  echo "stub libcuda.so with $(wc -l < "$root/lib/stubs/cuda_stub.c") driver functions"
  cc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$root/lib/stubs/libcuda.so" "$root/lib/stubs/cuda_stub.c"
fi

export CUDA_ROOT="$root" CUDA_PATH="$root" CUDA_HOME="$root"
export PATH="$root/bin:$PATH"
export LIBRARY_PATH="$root/lib:$root/lib/stubs${LIBRARY_PATH:+:$LIBRARY_PATH}"
cargo build --release --features cuda --target-dir target/cuda "$@"
echo "built target/cuda/release/facelab (compute capability $CUDA_COMPUTE_CAP)"
