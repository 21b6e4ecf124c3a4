# Shared by scripts/run, scripts/test, scripts/bench and scripts/gpu-check.
# Installs the Debian packages Corridor needs (only the missing ones) and
# configures + builds one build directory.

corridor_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

corridor_packages=(
  cmake make g++ pkg-config
  libhdf5-dev hdf5-tools libcli11-dev libthrust-dev libssl-dev googletest libgtest-dev libgsl-dev
  python3 python3-numpy python3-h5py python3-xarray python3-netcdf4 python3-matplotlib netcdf-bin
  time
  libopenmpi-dev openmpi-bin
)

corridor_install() {
  local missing=()
  local p
  for p in "${corridor_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "corridor: installing Debian packages: ${missing[*]}" >&2
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# corridor_build BUILD_DIR [cmake options...]
corridor_build() {
  local dir="$1"; shift
  cmake -S "$corridor_root" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}
