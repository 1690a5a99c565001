package main

// trust.go: the certificate work of the trust test (test/trust), done with Go's crypto/x509 and
// crypto/tls, the libraries SPIRE agents and servers, istiod and pilot-agent verify with.
//
//   - spire-mint: what the SPIRE server does under the `disk` UpstreamAuthority (spiffe/spire
//     v1.15.3): load tls.crt/tls.key as pkg/server/plugin/upstreamauthority/disk/disk.go does,
//     sign a CA CSR built like pkg/server/credtemplate/builder.go BuildUpstreamSignedX509CACSR
//     with the template of pkg/common/x509svid/upstreamca.go SignCSR (CA, no path length,
//     keyCertSign|cRLSign, the trust domain's URI), then mint X509-SVIDs beneath it with
//     buildX509SVIDTemplate (the server's spiffe://<td>/spire/server and workload IDs).
//   - mint: one certificate signed by a given CA (an istiod-issued leaf, or an expired CA).
//   - x509-verify: x509.Certificate.Verify with roots, intermediates and the peer's extended key
//     usage (client, server or any); the error is Go's own.
//   - mtls: a real mutual-TLS handshake on loopback; the server requires and verifies the client
//     certificate against its roots and reports the client's SPIFFE ID.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"time"
)

func readJSON(r io.Reader, v interface{}) error {
	return json.NewDecoder(r).Decode(v)
}

func parseCerts(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func parseKey(text string) (crypto.Signer, error) {
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		return nil, errors.New("no PEM key")
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return k.(crypto.Signer), nil
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	return k, nil
}

func certPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func keyPEM(k crypto.Signer) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func newSerial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// subjectKeyID as pkg/common/x509util GetSubjectKeyID: SHA-1 of the marshalled public key.
func subjectKeyID(pub crypto.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1BitString
	}
	_ = unmarshalSPKI(der, &spki)
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:]
}

type mintedCert struct {
	ID   string `json:"id,omitempty"`
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

type spireMintIn struct {
	UpstreamCert string   `json:"upstreamCert"`
	UpstreamKey  string   `json:"upstreamKey"`
	TrustDomain  string   `json:"trustDomain"`
	SVIDs        []string `json:"svids"`
}

type spireMintOut struct {
	// CA is SPIRE's signing CA; Chain is what follows an SVID in svid.0.pem (CA, then tls.crt's certificates).
	CA     string       `json:"ca"`
	Chain  string       `json:"chain"`
	Server mintedCert   `json:"server"`
	SVIDs  []mintedCert `json:"svids"`
}

func spireMint(r io.Reader, w io.Writer) error {
	var in spireMintIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	upKey, err := parseKey(in.UpstreamKey)
	if err != nil {
		return fmt.Errorf("unable to load upstream CA key: %v", err)
	}
	upCerts, err := parseCerts(in.UpstreamCert)
	if err != nil || len(upCerts) == 0 {
		return fmt.Errorf("unable to load upstream CA cert: %v", err)
	}
	upCA := upCerts[0]
	now := time.Now()
	td := &url.URL{Scheme: "spiffe", Host: in.TrustDomain}

	// The server's X509 CA key: ec-p256, SPIRE's default ca_key_type.
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial := newSerial()
	caTmpl := &x509.Certificate{
		SerialNumber: serial,
		// DefaultX509CASubject plus the serial number as subject serialNumber (buildX509CATemplate).
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{"SPIFFE"}, SerialNumber: serial.String()},
		URIs:                  []*url.URL{td},
		NotBefore:             now.Add(-10 * time.Second),
		NotAfter:              minTime(now.Add(24*time.Hour), upCA.NotAfter),
		SubjectKeyId:          subjectKeyID(caKey.Public()),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, upCA, caKey.Public(), upKey)
	if err != nil {
		return fmt.Errorf("unable to sign CSR: %v", err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	chain := certPEM(caDER)
	for _, c := range upCerts {
		chain += certPEM(c.Raw)
	}
	mintSVID := func(id string) (mintedCert, error) {
		u, err := url.Parse(id)
		if err != nil {
			return mintedCert{}, err
		}
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return mintedCert{}, err
		}
		t := &x509.Certificate{
			SerialNumber:          newSerial(),
			Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{"SPIRE"}},
			URIs:                  []*url.URL{u},
			NotBefore:             now.Add(-10 * time.Second),
			NotAfter:              minTime(now.Add(time.Hour), ca.NotAfter),
			SubjectKeyId:          subjectKeyID(k.Public()),
			AuthorityKeyId:        ca.SubjectKeyId,
			KeyUsage:              x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement | x509.KeyUsageDigitalSignature,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			BasicConstraintsValid: true,
		}
		der, err := x509.CreateCertificate(rand.Reader, t, ca, k.Public(), caKey)
		if err != nil {
			return mintedCert{}, err
		}
		kp, err := keyPEM(k)
		return mintedCert{ID: id, Cert: certPEM(der), Key: kp}, err
	}
	out := spireMintOut{CA: certPEM(caDER), Chain: chain}
	if out.Server, err = mintSVID(td.String() + "/spire/server"); err != nil {
		return err
	}
	for _, id := range in.SVIDs {
		s, err := mintSVID(id)
		if err != nil {
			return err
		}
		out.SVIDs = append(out.SVIDs, s)
	}
	return json.NewEncoder(w).Encode(out)
}

func minTime(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}

type mintIn struct {
	ParentCert string   `json:"parentCert"`
	ParentKey  string   `json:"parentKey"`
	CA         bool     `json:"ca"`
	PathLen    int      `json:"pathLen"` // -1: no limit
	NotBefore  string   `json:"notBefore"`
	NotAfter   string   `json:"notAfter"`
	DNSNames   []string `json:"dnsNames"`
	URIs       []string `json:"uris"`
}

func mint(r io.Reader, w io.Writer) error {
	var in mintIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	parents, err := parseCerts(in.ParentCert)
	if err != nil || len(parents) == 0 {
		return fmt.Errorf("parent certificate: %v", err)
	}
	pk, err := parseKey(in.ParentKey)
	if err != nil {
		return err
	}
	nb, err := time.Parse(time.RFC3339, in.NotBefore)
	if err != nil {
		return err
	}
	na, err := time.Parse(time.RFC3339, in.NotAfter)
	if err != nil {
		return err
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	t := &x509.Certificate{SerialNumber: newSerial(), Subject: pkix.Name{Organization: []string{"vmonboard trust test"}, CommonName: "minted"}, NotBefore: nb, NotAfter: na, SubjectKeyId: subjectKeyID(k.Public()), BasicConstraintsValid: true, DNSNames: in.DNSNames}
	for _, s := range in.URIs {
		u, err := url.Parse(s)
		if err != nil {
			return err
		}
		t.URIs = append(t.URIs, u)
	}
	if in.CA {
		t.IsCA = true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		if in.PathLen >= 0 {
			t.MaxPathLen = in.PathLen
			t.MaxPathLenZero = in.PathLen == 0
		}
	} else {
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parents[0], k.Public(), pk)
	if err != nil {
		return err
	}
	kp, err := keyPEM(k)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(mintedCert{Cert: certPEM(der), Key: kp})
}

type verifyIn struct {
	Leaf          string `json:"leaf"`
	Intermediates string `json:"intermediates"`
	Roots         string `json:"roots"`
	// Usage is the peer's extended key usage: "client" or "server" (what crypto/tls asks of a
	// TLS peer), or "" / "any" (the path alone, as SPIRE's x509pop attestor verifies it).
	Usage string `json:"usage"`
}

type verifyOut struct {
	OK    bool     `json:"ok"`
	Error string   `json:"error,omitempty"`
	Chain []string `json:"chain,omitempty"`
	// URIs are the leaf's URI SANs (SPIFFE IDs), read whatever the verdict.
	URIs []string `json:"uris"`
	// CASHA1 are the SHA-1 fingerprints of every certificate above the leaf in every verified
	// chain, deduplicated in order: the x509pop ca:fingerprint selectors (spiffe/spire v1.15.3
	// pkg/server/plugin/nodeattestor/x509pop/x509pop.go buildSelectorValues, x509pop.Fingerprint).
	CASHA1 []string `json:"caSha1,omitempty"`
}

func pool(text string) (*x509.CertPool, error) {
	p := x509.NewCertPool()
	cs, err := parseCerts(text)
	for _, c := range cs {
		p.AddCert(c)
	}
	return p, err
}

func x509Verify(r io.Reader, w io.Writer) error {
	var in verifyIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	leaves, err := parseCerts(in.Leaf)
	if err != nil || len(leaves) == 0 {
		return fmt.Errorf("leaf: %v", err)
	}
	roots, err := pool(in.Roots)
	if err != nil {
		return err
	}
	inter, err := pool(in.Intermediates)
	if err != nil {
		return err
	}
	// ExtKeyUsageAny by default: SVIDs carry serverAuth and clientAuth; the path is what is judged.
	usage := x509.ExtKeyUsageAny
	switch in.Usage {
	case "", "any":
	case "client":
		usage = x509.ExtKeyUsageClientAuth
	case "server":
		usage = x509.ExtKeyUsageServerAuth
	default:
		return fmt.Errorf("usage %q is neither client, server nor any", in.Usage)
	}
	out := verifyOut{URIs: []string{}}
	for _, u := range leaves[0].URIs {
		out.URIs = append(out.URIs, u.String())
	}
	chains, err := leaves[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{usage}})
	if err != nil {
		out.Error = err.Error()
		return json.NewEncoder(w).Encode(out)
	}
	out.OK = true
	for _, c := range chains[0] {
		out.Chain = append(out.Chain, c.Subject.String())
	}
	seen := map[string]bool{}
	for _, chain := range chains {
		for _, c := range chain[1:] {
			sum := sha1.Sum(c.Raw)
			fp := hex.EncodeToString(sum[:])
			if !seen[fp] {
				seen[fp] = true
				out.CASHA1 = append(out.CASHA1, fp)
			}
		}
	}
	return json.NewEncoder(w).Encode(out)
}

type mtlsIn struct {
	ServerCert  string `json:"serverCert"` // leaf then intermediates
	ServerKey   string `json:"serverKey"`
	ServerRoots string `json:"serverRoots"` // what the server verifies clients against
	ServerName  string `json:"serverName"`
	ClientCert  string `json:"clientCert"` // leaf then intermediates (svid.0.pem)
	ClientKey   string `json:"clientKey"`
	ClientRoots string `json:"clientRoots"` // what the client verifies the server against
}

type mtlsOut struct {
	OK          bool   `json:"ok"`
	PeerID      string `json:"peerId,omitempty"`
	ServerError string `json:"serverError,omitempty"`
	ClientError string `json:"clientError,omitempty"`
}

func keyPair(certText, keyText string) (tls.Certificate, error) {
	return tls.X509KeyPair([]byte(certText), []byte(keyText))
}

func mtls(r io.Reader, w io.Writer) error {
	var in mtlsIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	srvPair, err := keyPair(in.ServerCert, in.ServerKey)
	if err != nil {
		return fmt.Errorf("server key pair: %v", err)
	}
	cliPair, err := keyPair(in.ClientCert, in.ClientKey)
	if err != nil {
		return fmt.Errorf("client key pair: %v", err)
	}
	srvRoots, err := pool(in.ServerRoots)
	if err != nil {
		return err
	}
	cliRoots, err := pool(in.ClientRoots)
	if err != nil {
		return err
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{srvPair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: srvRoots, MinVersion: tls.VersionTLS12})
	if err != nil {
		return err
	}
	defer ln.Close()
	type result struct {
		id  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- result{err: err}
			return
		}
		defer c.Close()
		tc := c.(*tls.Conn)
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			done <- result{err: err}
			return
		}
		peers := tc.ConnectionState().PeerCertificates
		if len(peers) == 0 || len(peers[0].URIs) != 1 {
			done <- result{err: errors.New("client certificate has no single URI SAN")}
			return
		}
		_, _ = tc.Write([]byte("ok"))
		done <- result{id: peers[0].URIs[0].String()}
	}()
	out := mtlsOut{}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), &tls.Config{Certificates: []tls.Certificate{cliPair}, RootCAs: cliRoots, ServerName: in.ServerName, MinVersion: tls.VersionTLS12})
	if err != nil {
		out.ClientError = err.Error()
	} else {
		buf := make([]byte, 2)
		if _, err := io.ReadFull(conn, buf); err != nil {
			out.ClientError = err.Error()
		}
		conn.Close()
	}
	res := <-done
	if res.err != nil {
		out.ServerError = res.err.Error()
	}
	out.PeerID = res.id
	out.OK = out.ClientError == "" && out.ServerError == ""
	return json.NewEncoder(w).Encode(out)
}
