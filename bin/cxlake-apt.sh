# Sourced by bin/cxlake-notebook and bin/cxlake-browser: Debian packages the project installs itself.
# apt_install PKG...: install without recommends, as root or through sudo; on a failure (a stale
# package index on a fresh machine) update the index once and try again.
apt_install() {
  local apt=(apt-get)
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "cxlake: installing $* needs root (or sudo)" >&2; exit 2; }
    apt=(sudo apt-get)
  fi
  echo "cxlake: installing Debian packages: $*" >&2
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "$@" >&2 \
    || { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >&2 \
         && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "$@" >&2; }
}
