// Command harness is a test-only helper for the vmonboard test suite. It exists because the
// real consumers of our rendered artifacts are Go programs we cannot run in CI:
//
//   - hcl2json: SPIRE parses its agent config with HCL v1 (github.com/hashicorp/hcl), so tests
//     must parse what we render with that exact library rather than a JS look-alike.
//   - yaml2json-many: Kubernetes reads manifests with sigs.k8s.io/yaml, so tests read rendered
//     manifests with it too.
//   - helm-template: Helm is not installable here, so helm.go re-implements `helm template` for a
//     single chart on top of the same engine Helm uses (text/template + sprig).
//   - spire-mint, mint, x509-verify, mtls: certificate chains are judged by Go's crypto/x509 and
//     crypto/tls, what SPIRE and Istio verify with (trust.go).
//
// Build in GOPATH mode against the Debian-packaged libraries (see test/harness/go-harness.ts):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o harness ./test/harness/go
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		die("usage: harness hcl2json < file | harness hcl2json-many < json-array | harness yaml2json-many < json-array | harness helm-template --chart DIR [--values FILE] [--release-name N] [--release-namespace NS] [--notes]")
	}
	var err error
	switch os.Args[1] {
	case "hcl2json":
		err = hcl2json(os.Stdin, os.Stdout)
	case "hcl2json-many":
		err = hcl2jsonMany(os.Stdin, os.Stdout)
	case "yaml2json-many":
		err = yaml2jsonMany(os.Stdin, os.Stdout)
	case "helm-template":
		err = helmTemplate(os.Args[2:], os.Stdout)
	case "spire-mint":
		err = spireMint(os.Stdin, os.Stdout)
	case "mint":
		err = mint(os.Stdin, os.Stdout)
	case "x509-verify":
		err = x509Verify(os.Stdin, os.Stdout)
	case "mtls":
		err = mtls(os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		die(err.Error())
	}
}

// die prints to stderr and exits 1; the TypeScript wrapper surfaces stderr as the rejection.
func die(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}
