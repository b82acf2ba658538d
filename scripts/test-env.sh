#!/usr/bin/env bash
# The test environment, for CI and developers alike (run as root, on Debian 12, with no network but the
# Debian mirror): a Docker engine, a local image registry on 127.0.0.1:5000 and the local base images
# that templates build on, since no upstream image can be pulled. Idempotent: whatever is already there
# is left alone, so a re-run takes a few seconds.
set -euo pipefail

STATE_DIR="${GANTRY_TEST_ENV_DIR:-/var/tmp/gantry-test-env}"
REGISTRY_ADDR="127.0.0.1:5000"
DOCKER=/usr/bin/docker
DOCKERD_TIMEOUT_S="${GANTRY_DOCKERD_TIMEOUT_S:-60}"
REGISTRY_TIMEOUT_S=30

if [ "$(id -u)" -ne 0 ]; then
  echo "test-env: run this as root (it installs Debian packages and starts dockerd)" >&2
  exit 1
fi
mkdir -p "$STATE_DIR"

# step TITLE COMMAND...: runs one step and says how long it took.
step() {
  local title="$1" started
  shift
  started=${EPOCHREALTIME/[.,]/}
  echo "test-env: $title"
  "$@"
  local took=$(((${EPOCHREALTIME/[.,]/} - started) / 100000))
  echo "test-env:   done in $((took / 10)).$((took % 10)) s"
}

apt_updated=false
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && { echo "test-env:   already installed: $*"; return 0; }
  echo "test-env:   installing ${missing[*]}"
  (
    flock 9
    if [ "$apt_updated" = false ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ) 9>/tmp/gantry-apt.lock
  apt_updated=true
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND until it succeeds, or fails naming WHAT and a log.
wait_for() {
  local timeout="$1" what="$2" log="$3"
  shift 3
  local deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "test-env: $what did not answer within ${timeout} s; its log ($log) ends with:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

install_packages() {
  apt_install docker.io docker-registry mmdebstrap curl ca-certificates iptables
}

# The examples also run on the host as processes: the speech recogniser and what makes test speech,
# and openssl for the REST server's TLS test certificate.
install_host_tools() {
  apt_install pocketsphinx pocketsphinx-en-us espeak-ng sox openssl python3 chromium
}

start_dockerd() {
  if [ -S /var/run/docker.sock ] && "$DOCKER" info >/dev/null 2>&1; then
    echo "test-env:   dockerd already answering"
    return 0
  fi
  local log="$STATE_DIR/dockerd.log"
  echo "test-env:   starting dockerd (log: $log)"
  setsid nohup /usr/sbin/dockerd >"$log" 2>&1 </dev/null &
  wait_for "$DOCKERD_TIMEOUT_S" "dockerd" "$log" "$DOCKER" info
}

start_registry() {
  if curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; then
    echo "test-env:   registry already answering on $REGISTRY_ADDR"
    return 0
  fi
  local config="$STATE_DIR/registry.yml" log="$STATE_DIR/registry.log"
  mkdir -p "$STATE_DIR/registry"
  cat >"$config" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
EOF
  echo "test-env:   starting docker-registry on $REGISTRY_ADDR (config: $config, log: $log)"
  setsid nohup /usr/bin/docker-registry serve "$config" >"$log" 2>&1 </dev/null &
  wait_for "$REGISTRY_TIMEOUT_S" "docker-registry" "$log" curl -fsS "http://$REGISTRY_ADDR/v2/"
}

# The Debian mirror this machine is configured with: the first URIs of debian.sources.
debian_mirror() {
  local mirror
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  if [ -z "$mirror" ]; then
    echo "test-env: no Debian mirror found in /etc/apt/sources.list.d/debian.sources" >&2
    exit 1
  fi
  echo "$mirror"
}

# base_image NAME PACKAGES: a Debian bookworm image with PACKAGES, made only when missing.
base_image() {
  local name="$1" packages="$2"
  if "$DOCKER" image inspect "$name" >/dev/null 2>&1; then
    echo "test-env:   $name already present"
    return 0
  fi
  local mirror log="$STATE_DIR/mmdebstrap-${name//[\/:]/-}.log"
  mirror=$(debian_mirror)
  echo "test-env:   making $name with $packages from $mirror (log: $log)"
  if ! mmdebstrap --variant=apt --include="$packages" \
    --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
    bookworm - "$mirror" 2>"$log" | "$DOCKER" import -c 'ENV LANG=C.UTF-8' - "$name" >/dev/null; then
    echo "test-env: making $name failed; $log ends with:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

base_images() {
  base_image gantry-base/python:bookworm python3
  base_image gantry-base/node:bookworm nodejs,python3
  base_image gantry-base/asr:bookworm python3,pocketsphinx,pocketsphinx-en-us
}

total_started=$(date +%s)
step "Debian packages (docker.io, docker-registry, mmdebstrap)" install_packages
step "tools the examples use on the host (pocketsphinx, espeak-ng, sox, openssl)" install_host_tools
step "Docker engine" start_dockerd
step "local registry" start_registry
step "base images" base_images
echo "test-env: ready in $(($(date +%s) - total_started)) s: docker ($DOCKER), registry http://$REGISTRY_ADDR, base images gantry-base/{python,node,asr}:bookworm"
