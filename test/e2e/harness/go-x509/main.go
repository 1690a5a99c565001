// Command go-x509 verifies a certificate chain the way Go's crypto/tls does for a peer (the
// SPIRE agent and server, istiod and pilot-agent are Go programs): x509.Certificate.Verify with
// the given roots, the rest of the chain as intermediates, and the peer's extended key usage.
//
// Input (stdin, JSON): {"roots": PEM, "chain": PEM (leaf first), "usage": "client"|"server"}.
// Output (stdout, JSON): {"ok": bool, "error": string, "uris": [leaf URI SANs]}.
package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
)

type request struct {
	Roots string `json:"roots"`
	Chain string `json:"chain"`
	Usage string `json:"usage"`
}

type result struct {
	OK    bool     `json:"ok"`
	Error string   `json:"error,omitempty"`
	URIs  []string `json:"uris"`
}

func certs(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return out, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

func verify(req request) result {
	res := result{URIs: []string{}}
	roots, err := certs(req.Roots)
	if err != nil || len(roots) == 0 {
		res.Error = fmt.Sprintf("no root certificate: %v", err)
		return res
	}
	chain, err := certs(req.Chain)
	if err != nil || len(chain) == 0 {
		res.Error = fmt.Sprintf("no certificate in the chain: %v", err)
		return res
	}
	for _, u := range chain[0].URIs {
		res.URIs = append(res.URIs, u.String())
	}
	opts := x509.VerifyOptions{Roots: x509.NewCertPool(), Intermediates: x509.NewCertPool()}
	for _, r := range roots {
		opts.Roots.AddCert(r)
	}
	for _, c := range chain[1:] {
		opts.Intermediates.AddCert(c)
	}
	switch req.Usage {
	case "client":
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	case "server":
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	default:
		res.Error = fmt.Sprintf("usage %q is neither client nor server", req.Usage)
		return res
	}
	if _, err := chain[0].Verify(opts); err != nil {
		res.Error = err.Error()
		return res
	}
	res.OK = true
	return res
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "go-x509: bad input:", err)
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(verify(req)); err != nil {
		os.Exit(2)
	}
}
