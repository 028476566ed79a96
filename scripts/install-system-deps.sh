#!/usr/bin/env bash
# Installs the system programs Ogygia's tests and demo run for real.
#   install-system-deps.sh          everything the tests need: git, Nix (run as
#                                   root, single-user), etcd, ZooKeeper, Java,
#                                   Chromium (dashboard screenshot), openssl
#                                   (certificates for the etcd TLS tests),
#                                   ssh-keygen (host keys for signed reports)
#   install-system-deps.sh demo     only what `npm run demo` needs: git, Nix, etcd
# OGYGIA_BENCH_DEPS=1 adds nginx and wrk (benchmarks). On Debian as root it
# runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail
profile="${1:-test}"
need=()
command -v git >/dev/null || need+=(git)
command -v nix-build >/dev/null || need+=(nix-bin)
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
if [ "$profile" != demo ]; then
  [ -e /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
  command -v java >/dev/null || need+=(default-jre-headless)
  command -v chromium >/dev/null || need+=(chromium)
  command -v openssl >/dev/null || need+=(openssl)
  command -v ssh-keygen >/dev/null || need+=(openssh-client)
fi
if [ "${OGYGIA_BENCH_DEPS:-0}" = 1 ]; then
  command -v nginx >/dev/null || need+=(nginx)
  command -v wrk >/dev/null || need+=(wrk)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ogygia: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || true
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
else
  echo "ogygia: missing programs; run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
