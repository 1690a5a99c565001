# Stand-in for pilot-agent from the istio-sidecar package.
#
# `proxy` (started by istio-start.sh as istio-proxy) checks what the real agent needs before
# it can serve: cluster.env (as bash sourced it, compared with the file), the mesh config, the
# root certificate, and the SPIRE agent's SDS socket. The socket appears only after the SPIRE
# agent attested; the real pilot-agent then silently falls back to istiod's CA, so here a
# missing socket is a hard failure: it means istio.service did not wait for it.
# Then it connects to istiod for xDS for real (connect_to_istiod): mutual TLS with the SVID files
# the SVID sync placed in PROV_CERT, istiod's serving certificate verified against
# PROV_CERT/root-cert.pem; istiod refusing the identity means no config, so no readiness.
# Once ready it serves the status port's readiness path (127.0.0.1:15021/healthz/ready) that
# the payload's verify step asks. `istio-iptables` / `istio-clean-iptables` only record what
# they would have done: the container shares the host's network namespace.
AGENT = "pilot-agent"
SDS_SOCKET = "/var/run/secrets/workload-spiffe-uds/socket"
STATUS_ADDR = ("127.0.0.1", 15021)
MESH_CONFIG = "/etc/istio/config/mesh"
IPTABLES_ENV = ("ISTIO_SERVICE_CIDR", "ISTIO_SERVICE_EXCLUDE_CIDR", "ISTIO_INBOUND_PORTS", "ISTIO_LOCAL_EXCLUDE_PORTS",
                "ISTIO_INBOUND_INTERCEPTION_MODE", "ISTIO_META_DNS_CAPTURE", "ISTIO_CUSTOM_IP_TABLES")


def cmd_proxy(args):
    report("start", argv=args)
    cluster_env = os.environ.get("ISTIO_CLUSTER_CONFIG", "/var/lib/istio/envoy/cluster.env")
    text = read_text(cluster_env, "cluster.env")
    validate("cluster-env", cluster_env, text)
    validate("pilot-env", cluster_env, json.dumps({"clusterEnv": text, "env": dict(os.environ)}))
    mesh = validate("mesh-config", MESH_CONFIG) or {}
    root = os.path.join(os.environ.get("PROV_CERT") or "/etc/certs", "root-cert.pem")
    check_pem_certificates(root, "mesh root certificate")
    try:
        st = os.stat(SDS_SOCKET)
    except OSError as e:
        fail("SDS socket %s missing when pilot-agent started (%s): istio.service must wait for the SPIRE agent's socket"
             % (SDS_SOCKET, e.strerror), path=SDS_SOCKET)
    if not stat.S_ISSOCK(st.st_mode):
        fail("%s exists but is not a unix socket" % SDS_SOCKET, path=SDS_SOCKET)
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(SDS_SOCKET)
        s.close()
    except OSError as e:
        fail("cannot connect to SDS socket %s as %s: %s" % (SDS_SOCKET, whoami(), e.strerror), path=SDS_SOCKET)
    envoy = os.path.join(os.environ.get("ISTIO_BIN_BASE", "/usr/local/bin"), "envoy")
    r = subprocess.run([envoy, "--version"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s --version failed: %s" % (envoy, r.stderr.strip()))
    # pilot-agent presents PROV_CERT/cert-chain.pem + key.pem to istiod when both exist
    # (docs/identity.md); record whether istio-proxy can read them, the test decides.
    prov = os.environ.get("PROV_CERT") or "/etc/certs"
    client_cert = all(os.access(os.path.join(prov, n), os.R_OK) for n in ("cert-chain.pem", "key.pem"))
    xds = connect_to_istiod(mesh, prov, root, client_cert)
    serve_status()
    report("ready", version=STANDIN_VERSION, sds_socket=SDS_SOCKET, root_cert=root, xds_client_cert=client_cert, xds_identity=xds.get("identity"),
           service_cluster=[a for a in args if a.startswith("--serviceCluster")])
    stay_up()


def connect_to_istiod(mesh, prov, root, client_cert):
    """One xDS connection to istiod, as istio 1.27.1 pilot/pkg/grpc/tls.go dials it.

    TLS 1.2+, RootCAs = the root certificate (FindRootCAForXDS prefers ./etc/certs/root-cert.pem),
    ServerName = the discovery address's host; GetClientCertificate loads PROV_CERT/cert-chain.pem
    and key.pem when both exist, else presents no certificate (and the VM has no token). The
    proxy's metadata istiod authorizes against comes from the environment cluster.env gave:
    POD_NAMESPACE, SERVICE_ACCOUNT (pkg/bootstrap/config.go) and ISTIO_META_AUTO_REGISTER_GROUP.
    Any refusal is fatal here: without xDS the real proxy never becomes ready.
    """
    import ssl
    addr = (mesh.get("defaultConfig") or {}).get("discoveryAddress") or os.environ.get("PILOT_ADDRESS", "")
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        fail("no usable discovery address %r" % addr)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_verify_locations(cafile=root)
    except ssl.SSLError as e:
        fail("root certificate %s is unusable: %s" % (root, e), path=root)
    if client_cert:
        chain, key = os.path.join(prov, "cert-chain.pem"), os.path.join(prov, "key.pem")
        try:
            ctx.load_cert_chain(chain, key)
        except (ssl.SSLError, OSError) as e:
            fail("cannot load the xDS client certificate %s / %s: %s" % (chain, key, e), path=chain)
    try:
        raw = socket.create_connection((host, int(port)), timeout=30)
    except OSError as e:
        fail("cannot reach istiod at %s: %s" % (addr, e))
    try:
        conn = ctx.wrap_socket(raw, server_hostname=host)
    except ssl.SSLCertVerificationError as e:
        fail("cannot verify istiod's certificate at %s against %s: %s" % (addr, root, e.verify_message), path=root)
    except (ssl.SSLError, OSError) as e:
        fail("TLS handshake with istiod at %s failed: %s" % (addr, e))
    f = conn.makefile("rw", encoding="utf-8")
    f.write(json.dumps({"namespace": os.environ.get("POD_NAMESPACE", ""), "service_account": os.environ.get("SERVICE_ACCOUNT", ""),
                        "auto_register_group": os.environ.get("ISTIO_META_AUTO_REGISTER_GROUP", "")}) + "\n")
    f.flush()
    line = f.readline()
    conn.close()
    reply = json.loads(line) if line else {"error": "istiod closed the connection"}
    if reply.get("error"):
        fail("istiod refused the xDS connection at %s: %s" % (addr, reply["error"]), reason="xds-authn")
    report("did", action="xds-connect", address=addr, identity=reply.get("identity"), workload_group=reply.get("workload_group"))
    return reply


def serve_status():
    import http.server
    import threading

    class Ready(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ok = self.path == "/healthz/ready"
            self.send_response(200 if ok else 404)
            self.end_headers()
            self.wfile.write(b"ready\n" if ok else b"not found\n")

        def log_message(self, *a):
            pass

    try:
        srv = http.server.HTTPServer(STATUS_ADDR, Ready)
    except OSError as e:
        fail("cannot listen on %s:%d for the status port: %s" % (STATUS_ADDR + (e.strerror,)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()


def cmd_iptables(name, args):
    report("did", action=name, argv=args, env={k: os.environ[k] for k in IPTABLES_ENV if k in os.environ})


def main():
    args = sys.argv[1:]
    if not args:
        fail("no subcommand", code=64)
    if args[0] in ("version", "--version"):
        print("version.BuildInfo{Version:\"%s\", stand-in}" % STANDIN_VERSION)
        return
    if args[0] == "proxy":
        return cmd_proxy(args[1:])
    if args[0] in ("istio-iptables", "istio-clean-iptables"):
        return cmd_iptables(args[0], args[1:])
    fail("stand-in does not implement subcommand %r" % args[0], code=64)


main()
