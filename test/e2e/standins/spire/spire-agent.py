# Stand-in for spire-agent (SPIRE 1.15.3), from spire-<ver>-linux-amd64-musl.tar.gz.
#
# `run` checks the config as the real agent would at start-up (the upstream-based validator on
# the HCL v1 parse, then data dir, trust bundle, KeyManager directory, x509pop host key and
# certificate, socket directory), then attests to the SPIRE server for real over TLS (see
# attest_to_server: the server must chain to the bootstrap bundle and be
# spiffe://<td>/spire/server, or the agent refuses to come up; the evidence of its NodeAttestor
# plugin, collected by node-attestation.py, is judged there as the real attestors judge it, and a
# refusal ends the agent with the server's reason), receives the X509-SVIDs of its
# registration entries, waits out the rest of ATTEST_SECONDS (the real agent opens its Workload
# API socket only after node attestation), then creates a real unix socket at socket_path and
# serves it. `api fetch x509 -write DIR` asks that socket for the caller's SVID (the server side
# sees the caller's user through SO_PEERCRED, as the unix workload attestor does, and answers
# only for an entry with selector unix:user:<that user>) and writes svid.0.pem (the SVID and its
# intermediates), svid.0.key (0600) and bundle.0.pem; `healthcheck` connects.
AGENT = "spire-agent"
ATTEST_SECONDS = 3
DEFAULT_SOCKET = "/tmp/spire-agent/public/api.sock"


def writable_dir(path, what, create):
    if create:
        try:
            os.makedirs(path, mode=0o755, exist_ok=True)
        except OSError as e:
            fail("cannot create %s %s as user %s: %s" % (what, path, whoami(), e.strerror), path=path)
    if not os.path.isdir(path):
        fail("%s %s does not exist" % (what, path), path=path)
    probe = os.path.join(path, ".standin-write-probe")
    try:
        with open(probe, "w") as f:
            f.write("")
        os.unlink(probe)
    except OSError as e:
        fail("%s %s is not writable by user %s: %s" % (what, path, whoami(), e.strerror), path=path)


def check_bundle(agent):
    path = agent.get("trust_bundle_path")
    if not path:
        return  # trust_bundle_url / _spiffe_workload_api: nothing local to check
    fmt = agent.get("trust_bundle_format", "pem")
    text = read_text(path, "trust bundle")
    if fmt == "pem":
        check_pem_certificates(path, "trust bundle")
    elif fmt == "spiffe":
        try:
            doc = json.loads(text)
        except ValueError as e:
            fail("trust bundle %s is not a SPIFFE bundle (JSON): %s" % (path, e), path=path)
        if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list) or not doc["keys"]:
            fail("trust bundle %s has no keys (SPIFFE bundle format)" % path, path=path)
    else:
        fail("trust_bundle_format %r is neither pem nor spiffe" % fmt)


def bundle_cafile(agent):
    """The bootstrap bundle as a PEM file for OpenSSL (a SPIFFE bundle's x5c keys converted)."""
    path = agent["trust_bundle_path"]
    if agent.get("trust_bundle_format", "pem") == "pem":
        return path
    import tempfile
    doc = json.loads(read_text(path, "trust bundle"))
    pems = ["-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(
        k["x5c"][0][i:i + 64] for i in range(0, len(k["x5c"][0]), 64))
        for k in doc["keys"] if k.get("use") == "x509-svid" and k.get("x5c")]
    if not pems:
        fail("trust bundle %s has no x509-svid key" % path, path=path)
    f = tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False)
    f.write("".join(pems))
    f.close()
    return f.name


def new_key_and_csr():
    """A fresh P-256 key (PKCS#8 PEM) and a CSR for it: the agent mints one key per SVID."""
    r = subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", "/dev/stdout", "-subj", "/O=SPIRE"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("cannot make a key and CSR: %s" % r.stderr.strip())
    key = r.stdout[:r.stdout.index("-----END PRIVATE KEY-----") + len("-----END PRIVATE KEY-----\n")]
    return key, r.stdout[len(key):]


def attest_to_server(cfg, agent, flags, data_dir):
    """Node attestation against the SPIRE server stand-in (through the gateway's spire port).

    As spiffe/spire v1.15.3 pkg/agent/client/dial.go during attestation: TLS with server
    authentication only (tlsconfig.TLSClientConfig), the bootstrap bundle as the only roots, and
    tlsconfig.AuthorizeID(spiffe://<td>/spire/server): no host name check, the SPIFFE ID instead.
    Python's ssl is OpenSSL, so path-length and key-usage rules are OpenSSL's. A server the bundle
    does not verify is fatal, as for the real agent ("failed to attest"); there is no
    insecure_bootstrap. The attest request carries the NodeAttestor's evidence (node-attestation.py
    attest_request; azure_imds and x509pop answer the server's challenge on the same connection);
    an agent whose data_dir keeps the agent SVID of an earlier attestation presents it (mTLS)
    with its ID instead of attesting again, as the real agent does after a restart.
    Returns ({spiffe_id: {"selectors", "chain", "key", "bundle"}}, the attest reply).
    """
    import ssl
    td = agent.get("trust_domain", "")
    host, port = agent.get("server_address"), int(agent.get("server_port", 8081))
    where = "%s:%d" % (host, port)
    if not agent.get("trust_bundle_path"):
        fail("stand-in supports only trust_bundle_path (no trust_bundle_url fetch in the e2e)")
    bundle = agent["trust_bundle_path"]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False  # AuthorizeID checks the SPIFFE ID, not a DNS name
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_verify_locations(cafile=bundle_cafile(agent))
    except ssl.SSLError as e:
        fail("bootstrap bundle %s is unusable as trust roots: %s" % (bundle, e), path=bundle)
    # After a restart the agent authenticates with the agent SVID of its first attestation (mTLS).
    svid_file = os.path.join(data_dir, "agent_svid.der")
    svid_pem, svid_key = os.path.join(data_dir, "agent_svid.pem"), os.path.join(data_dir, "agent_svid.key")
    resume = previous_agent_id(svid_file)
    if resume:
        try:
            ctx.load_cert_chain(svid_pem, svid_key)
        except (OSError, ssl.SSLError) as e:
            fail("cannot load the agent SVID kept in %s: %s" % (data_dir, e), path=svid_pem)
    try:
        raw = socket.create_connection((host, port), timeout=30)
    except OSError as e:
        fail("cannot reach the SPIRE server at %s: %s" % (where, e))
    try:
        conn = ctx.wrap_socket(raw)
    except ssl.SSLCertVerificationError as e:
        fail("cannot authenticate the SPIRE server at %s against the bootstrap bundle %s: %s (x509: certificate signed by unknown authority)"
             % (where, bundle, e.verify_message), path=bundle, reason="server-chain")
    except (ssl.SSLError, OSError) as e:
        fail("TLS handshake with the SPIRE server at %s failed: %s" % (where, e))
    server_id = "spiffe://%s/spire/server" % td
    uris = [v for (k, v) in conn.getpeercert().get("subjectAltName", ()) if k == "URI"]
    if uris != [server_id]:
        fail("the SPIRE server at %s presented %s, want %s (tlsconfig.AuthorizeID)" % (where, uris or "no URI SAN", server_id), reason="server-id")
    f = conn.makefile("rw", encoding="utf-8")

    def call(req, **why):
        f.write(json.dumps(req) + "\n")
        f.flush()
        line = f.readline()
        if not line:
            fail("the SPIRE server at %s closed the connection" % where)
        reply = json.loads(line)
        if reply.get("error"):
            fail("SPIRE server at %s: %s" % (where, reply["error"]), **why)
        return reply

    if resume:
        att = call({"op": "attest", "trust_domain": td, "resume": resume})
    else:
        name, data, first = attest_request(cfg, agent, flags)
        agent_key, agent_csr = new_key_and_csr()
        att = call(dict(first, op="attest", trust_domain=td, agent_csr=agent_csr), attestor=name)
        if "challenge" in att:
            att = call({"op": "attest", "trust_domain": td, "attestor": name, "session": att["session"],
                        "response": challenge_response(name, data, att["challenge"]), "agent_csr": agent_csr}, attestor=name)
        # The agent SVID and its key, kept in data_dir as the real agent keeps them (key 0600).
        with open(os.open(svid_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600), "w") as kf:
            kf.write(agent_key)
        with open(svid_pem, "w") as pf:
            pf.write("".join(att.get("agent_svid", [])))
        with open(svid_file, "w") as sf:
            json.dump({"agent_id": att["agent_id"], "stand-in": "agent SVID in agent_svid.pem"}, sf)
    issued = {}
    for entry in att.get("entries", []):
        key, csr = new_key_and_csr()
        svid = call({"op": "sign", "spiffe_id": entry["spiffe_id"], "csr": csr})
        issued[entry["spiffe_id"]] = {"selectors": entry["selectors"], "chain": "".join(svid["chain"]), "key": key, "bundle": svid["bundle"]}
    conn.close()
    report("did", action="attest", server=where, server_id=server_id, agent_id=att.get("agent_id"), aliases=att.get("aliases", []), svids=sorted(issued))
    return issued, att


def svid_for(issued, uid, user):
    """The SVID whose entry selects this caller (unix:user:<name> or unix:uid:<n>), or None."""
    for spiffe_id, s in sorted(issued.items()):
        if "unix:user:%s" % user in s["selectors"] or "unix:uid:%d" % uid in s["selectors"]:
            return dict(s, spiffe_id=spiffe_id)
    return None


def cmd_run(args):
    flags, _ = parse_flags(args, booleans=("expandEnv", "allowUnsafeIdsAndNonUniqueSelectors"))
    report("start", argv=sys.argv[1:])
    if "expandEnv" in flags:
        fail("run with -expandEnv: the rendered config is final and must never be env-expanded")
    config = flags.get("config", ["conf/agent/agent.conf"])[-1]
    cfg = validate("spire-agent-config", config) or {}
    agent = cfg.get("agent", {})
    data_dir = flags.get("dataDir", [agent.get("data_dir", ".")])[-1]
    socket_path = flags.get("socketPath", [agent.get("socket_path", DEFAULT_SOCKET)])[-1]
    writable_dir(data_dir, "data_dir", create=True)
    check_bundle(agent)
    x509pop = cfg.get("plugins", {}).get("NodeAttestor", {}).get("x509pop")
    if x509pop is not None:
        data = x509pop.get("plugin_data", {})
        for key in ("private_key_path", "certificate_path"):
            if not data.get(key):
                fail("NodeAttestor \"x509pop\" needs plugin_data.%s" % key)
        read_text(data["private_key_path"], "x509pop private key")
        check_pem_certificates(data["certificate_path"], "x509pop host certificate")
    km = cfg.get("plugins", {}).get("KeyManager", {})
    if "disk" in km:
        kdir = km["disk"].get("plugin_data", {}).get("directory")
        if not kdir:
            fail("KeyManager \"disk\" needs plugin_data.directory")
        writable_dir(kdir, "KeyManager disk directory", create=True)
        keys = os.path.join(kdir, "keys.json")
    else:
        keys = None
    # Like the real agent: create the socket's directory if missing, then it must be usable.
    writable_dir(os.path.dirname(socket_path), "socket directory", create=True)
    started = time.monotonic()
    issued, attestation = attest_to_server(cfg, agent, flags, data_dir)
    time.sleep(max(0.0, ATTEST_SECONDS - (time.monotonic() - started)))
    # State a real agent leaves after attestation, so offboarding can be checked for leftovers.
    with open(os.path.join(data_dir, "bundle.der"), "wb") as f:
        f.write(b"stand-in bundle")
    if keys:
        with open(keys, "w") as f:
            f.write('{"stand-in": true}\n')
    try:
        os.unlink(socket_path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(socket_path)
    os.chmod(socket_path, 0o777)  # the Workload API socket is reachable by every local workload
    srv.listen(16)
    report("ready", socket=socket_path, data_dir=data_dir, attestor=sorted(cfg.get("plugins", {}).get("NodeAttestor", {}).keys()),
           agent_id=attestation.get("agent_id"), aliases=attestation.get("aliases"))

    def serve():
        import threading
        def loop():
            while True:
                conn, _ = srv.accept()
                try:
                    uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[1]
                    try:
                        user = pwd.getpwuid(uid).pw_name
                    except KeyError:
                        user = str(uid)
                    svid = svid_for(issued, uid, user)
                    reply = svid if svid else {"error": "rpc error: code = PermissionDenied desc = no identity issued (caller %s)" % user}
                    conn.sendall(json.dumps(reply).encode() + b"\n")
                except OSError:
                    pass
                finally:
                    conn.close()
        threading.Thread(target=loop, daemon=True).start()

    def cleanup():
        try:
            os.unlink(socket_path)
        except OSError:
            pass

    serve()
    stay_up(on_stop=cleanup)


def cmd_healthcheck(args):
    flags, _ = parse_flags(args, booleans=("shallow", "verbose"))
    path = flags.get("socketPath", [DEFAULT_SOCKET])[-1]
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.close()
    except OSError as e:
        sys.stderr.write("Agent is unhealthy: unable to determine health (%s: %s)\n" % (path, e.strerror))
        sys.exit(1)
    print("Agent is healthy.")


def cmd_fetch_x509(args):
    flags, _ = parse_flags(args, booleans=("silent",))
    path = flags.get("socketPath", [DEFAULT_SOCKET])[-1]
    out = flags.get("write", [None])[-1]
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(path)
        reply = json.loads(s.makefile().readline())
        s.close()
    except (OSError, ValueError) as e:
        fail("api fetch x509: cannot reach the Workload API at %s: %s" % (path, e))
    if reply.get("error"):
        fail("api fetch x509: %s" % reply["error"])
    spiffe_id = reply["spiffe_id"]
    if out:
        os.makedirs(out, exist_ok=True)
        # As fetch_x509.go writeResponse: svid.N.pem the chain, svid.N.key (0600), bundle.N.pem, each replaced atomically.
        for name, text, mode in (("svid.0.key", reply["key"], 0o600), ("svid.0.pem", reply["chain"], 0o644), ("bundle.0.pem", reply["bundle"], 0o644)):
            tmp = os.path.join(out, name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "w") as f:
                f.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, os.path.join(out, name))
    report("did", action="fetch-x509", spiffe_id=spiffe_id, write=out)
    if "silent" not in flags:
        print("SPIFFE ID:\t\t%s" % spiffe_id)


def main():
    args = sys.argv[1:]
    if not args:
        sys.stderr.write("Usage: spire-agent [--version] <command> [<args>]\n")
        sys.exit(127)
    if args[0] in ("--version", "-version", "version"):
        print(STANDIN_VERSION)
        return
    if args[0] == "run":
        return cmd_run(args[1:])
    if args[0] == "healthcheck":
        return cmd_healthcheck(args[1:])
    if args[:3] == ["api", "fetch", "x509"]:
        return cmd_fetch_x509(args[3:])
    fail("stand-in does not implement subcommand %r" % args[0], code=127)


main()
