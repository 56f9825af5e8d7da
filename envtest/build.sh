#!/usr/bin/env bash
# Builds the Kubernetes test binaries (etcd, kube-apiserver, kubectl) from the
# published Go modules and installs them where io.fabric8:kube-api-test looks:
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-<os>-<arch>/{etcd,kube-apiserver,kubectl}
# Idempotent: exits at once when the three binaries are already there.
# Versions: k8s-version.txt (Kubernetes, must match go.mod) and etcd/go.mod (etcd).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

K8S_VERSION="$(tr -d '[:space:]' < "$here/k8s-version.txt")"
if [[ ! "$K8S_VERSION" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "envtest: error: $here/k8s-version.txt must hold a plain version like 1.34.10, got '$K8S_VERSION'" >&2
  exit 1
fi
K8S_MAJOR="${BASH_REMATCH[1]}"
K8S_MINOR="${BASH_REMATCH[2]}"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "envtest: error: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "envtest: error: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

base="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
k8s_dir="$base/k8s"
target="$k8s_dir/$K8S_VERSION-$os-$arch"
binaries=(etcd kube-apiserver kubectl)

installed() {
  local b
  for b in "${binaries[@]}"; do
    [[ -f "$target/$b" && -x "$target/$b" ]] || return 1
  done
}

if installed; then
  echo "envtest: binaries for Kubernetes v$K8S_VERSION already present in $target"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "envtest: error: 'go' not found on PATH; install Go >= 1.25 to build the Kubernetes test binaries" >&2
  exit 1
fi

mod_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 } $1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$here/go.mod" | head -n1)"
if [[ "$mod_version" != "v$K8S_VERSION" ]]; then
  echo "envtest: error: k8s-version.txt says $K8S_VERSION but go.mod requires k8s.io/kubernetes ${mod_version:-<none>}" >&2
  exit 1
fi

# Lock and scratch space live beside k8s/ (same filesystem, so the final rename
# is atomic) to keep k8s/ free of anything but version directories.
work="$base/.envtest-build"
mkdir -p "$k8s_dir" "$work"

# Serialise concurrent runs (e.g. parallel test JVMs); re-check after the wait.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$work/lock"
  flock 9
  if installed; then
    echo "envtest: binaries for Kubernetes v$K8S_VERSION already present in $target"
    exit 0
  fi
fi

tmp="$(mktemp -d "$work/$K8S_VERSION.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

export CGO_ENABLED=0 GOOS="$os" GOARCH="$arch"
# Ignore GOFLAGS from the environment (e.g. -mod=vendor); go.sum is complete.
export GOFLAGS="-mod=readonly"
build_flags=(-trimpath -buildvcs=false)

start=$SECONDS

cd "$here/etcd"
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
echo "envtest: building etcd $etcd_version (first time takes a few minutes)..."
go build "${build_flags[@]}" -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3

cd "$here"
build_date="$(go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION"
  ldflags+=" -X $pkg.gitMajor=$K8S_MAJOR"
  ldflags+=" -X $pkg.gitMinor=$K8S_MINOR"
  ldflags+=" -X $pkg.gitTreeState=clean"
  if [[ -n "$build_date" ]]; then ldflags+=" -X $pkg.buildDate=$build_date"; fi
done

echo "envtest: building kube-apiserver v$K8S_VERSION (first time takes several minutes)..."
go build "${build_flags[@]}" -ldflags "$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver

echo "envtest: building kubectl v$K8S_VERSION..."
go build "${build_flags[@]}" -ldflags "$ldflags" -o "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl

chmod 0755 "$tmp" "$tmp"/etcd "$tmp"/kube-apiserver "$tmp"/kubectl

# Swap the finished directory into place with renames, so the target holds
# exactly the three binaries and is never seen half-written.
old=""
if [[ -e "$target" ]]; then
  old="$tmp.old"
  mv "$target" "$old"
fi
mv "$tmp" "$target"
if [[ -n "$old" ]]; then rm -rf "$old"; fi
trap - EXIT

echo "envtest: built in $((SECONDS - start))s"
echo "envtest: binaries for Kubernetes v$K8S_VERSION installed in $target"
