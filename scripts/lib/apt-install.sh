# Sourced by the scripts that install Debian packages. apt_install_missing PACKAGE... installs the
# given packages (the caller lists only those it found missing); nothing when the list is empty.
apt_install_missing() {
  [ $# -gt 0 ] || return 0
  echo "Installing: $*"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Not root: run 'sudo apt-get install -y $*' first" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
