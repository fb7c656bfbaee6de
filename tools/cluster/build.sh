#!/usr/bin/env bash
# Builds (once) the binaries the local cluster runs, from the Go module proxy, into a cache
# outside the repository. Usage: build.sh <component>... | all | --list | --path <component>
#   components: kubernetes etcd kwok helm kube-state-metrics metrics-server
# Each component lands in $K8S_EXPERTS_CACHE_DIR/<component>-<version>/ and is skipped when present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="${K8S_EXPERTS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-experts}"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-buildvcs=false -trimpath"

components=(kubernetes etcd kwok helm kube-state-metrics metrics-server)

version_of() {
  case "$1" in
    kubernetes) echo "$KUBERNETES_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    kube-state-metrics) echo "$KUBE_STATE_METRICS_VERSION" ;;
    metrics-server) echo "$METRICS_SERVER_VERSION" ;;
    *) echo "unknown component '$1' (expected one of: ${components[*]})" >&2; exit 2 ;;
  esac
}

dir_of() { echo "$cache/$1-$(version_of "$1")"; }

# A wrapper module whose go.mod requires the release and maps every staging module
# (v0.0.0 => ./staging/...) to its published v0.MINOR.PATCH tag.
build_kubernetes() {
  local out="$1" v="$KUBERNETES_VERSION" src="$cache/src/kubernetes-$KUBERNETES_VERSION"
  local staging="v0.${v#v1.}"
  mkdir -p "$src"
  local gomod
  gomod="$(cd "$src" && go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
  {
    echo "module k8sx.local/kubernetes-wrapper"
    echo
    grep -E '^go [0-9]' "$gomod"
    grep -E '^godebug ' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $v"
    echo
    echo "replace ("
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging"'#p' "$gomod"
    echo ")"
  } > "$src/go.mod"
  local pkg="k8s.io/component-base/version" cpkg="k8s.io/client-go/pkg/version"
  local minor="${v#v1.}"; minor="${minor%%.*}"
  local date; date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local ld="-s -w"
  for p in "$pkg" "$cpkg"; do
    ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  (cd "$src" && go build -mod=mod -ldflags "$ld" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
}

# Builds a main package from a throwaway module that requires it. Needed where `go install
# pkg@version` cannot be used: etcd's server module carries replace directives, and the proxy
# refuses the version list of kube-state-metrics that `go install` asks for.
build_in_wrapper() {
  local name="$1" module="$2" pkg="$3" out="$4" ldflags="${5:-}"
  local src="$cache/src/$name-${module##*@}"
  mkdir -p "$src"
  (cd "$src" && { [ -f go.mod ] || go mod init "k8sx.local/$name-wrapper" >/dev/null 2>&1; } \
    && go get "$module" >/dev/null \
    && go build -mod=mod -ldflags "-s -w $ldflags" -o "$out" "$pkg")
}

build_etcd() {
  build_in_wrapper etcd "go.etcd.io/etcd/server/v3@$ETCD_VERSION" go.etcd.io/etcd/server/v3 "$1/etcd"
}

go_install_into() {
  local out="$1"; shift
  GOBIN="$out" go install -ldflags "-s -w" "$@"
}


build_kwok() {
  go_install_into "$1" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
}
build_helm() {
  go_install_into "$1" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}
build_kube_state_metrics() {
  build_in_wrapper kube-state-metrics "k8s.io/kube-state-metrics/v2@$KUBE_STATE_METRICS_VERSION" \
    k8s.io/kube-state-metrics/v2 "$1/kube-state-metrics" \
    "-X github.com/prometheus/common/version.Version=${KUBE_STATE_METRICS_VERSION#v}"
}
# No replace directives, but `go install` would ask the proxy for the version list: a wrapper.
# Stamped like its Makefile does, so `metrics-server --version` (read by kwokctl) is the tag.
build_metrics_server() {
  build_in_wrapper metrics-server "sigs.k8s.io/metrics-server@$METRICS_SERVER_VERSION" \
    sigs.k8s.io/metrics-server/cmd/metrics-server "$1/metrics-server" \
    "-X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION -X k8s.io/client-go/pkg/version.gitTreeState=clean"
}

build_one() {
  local c="$1" out tmp
  out="$(dir_of "$c")"
  if [ -f "$out/.complete" ]; then echo "$c $(version_of "$c"): cached in $out"; return 0; fi
  tmp="$out.partial"
  rm -rf "$tmp"; mkdir -p "$tmp"
  local start=$SECONDS
  echo "$c $(version_of "$c"): building into $out"
  "build_${c//-/_}" "$tmp"
  rm -rf "$out"; mv "$tmp" "$out"
  echo "$((SECONDS - start))" > "$out/.complete"
  echo "$c $(version_of "$c"): built in $((SECONDS - start)) s"
}

case "${1:-}" in
  --list) printf '%s\n' "${components[@]}" ;;
  --path) dir_of "${2:?--path needs a component}" ;;
  all) for c in "${components[@]}"; do build_one "$c"; done ;;
  "") echo "usage: build.sh <component>...|all|--list|--path <component>" >&2; exit 2 ;;
  *) for c in "$@"; do version_of "$c" >/dev/null; build_one "$c"; done ;;
esac
