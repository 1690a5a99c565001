# Stand-in for envoy from the istio-sidecar package: pilot-agent only checks it runs.
AGENT = "envoy"

if sys.argv[1:2] == ["--version"]:
    print("envoy  version: stand-in/%s/Clean/RELEASE/BoringSSL" % STANDIN_VERSION)
else:
    fail("stand-in envoy only answers --version (got %r)" % sys.argv[1:], code=1)
