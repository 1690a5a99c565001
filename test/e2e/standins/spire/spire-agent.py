# Stand-in for spire-agent (SPIRE 1.15.3), from spire-<ver>-linux-amd64-musl.tar.gz.
#
# `run` checks the config as the real agent would at start-up (the upstream-based validator on
# the HCL v1 parse, then data dir, trust bundle, KeyManager directory, x509pop host key and
# certificate, socket directory), waits ATTEST_SECONDS and attests with the SPIRE server
# stand-in (node-attestation.py: refused evidence ends the agent; the real agent opens its
# Workload API socket only after node attestation), then creates a real unix socket at
# socket_path and serves it. `api fetch x509 -write DIR` asks that socket for the caller's SVID
# (the server side sees the caller's user through SO_PEERCRED, as the unix workload attestor
# does): the SPIFFE ID of the registration entry matching it, or "no identity issued"; it writes
# svid.0.pem, svid.0.key (0600) and bundle.0.pem; `healthcheck` connects.
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
    time.sleep(ATTEST_SECONDS)
    attestation = attest_node(cfg, agent, flags, data_dir)  # node-attestation.py
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
                    conn.sendall(json.dumps({"user": user, "trust_domain": agent.get("trust_domain", ""),
                                             "spiffe_id": identity_for(attestation, user, uid)}).encode() + b"\n")
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
    spiffe_id = reply.get("spiffe_id")
    if not spiffe_id:
        # What the real Workload API answers a caller no registration entry matches.
        fail("api fetch x509: rpc error: code = PermissionDenied desc = no identity issued (user %s)" % reply["user"])
    if out:
        os.makedirs(out, exist_ok=True)
        key, crt = os.path.join(out, "svid.0.key"), os.path.join(out, "svid.0.pem")
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", key + ".tmp", "-out", crt + ".tmp", "-days", "1", "-subj", "/O=SPIRE stand-in",
                            "-addext", "subjectAltName=URI:" + spiffe_id], capture_output=True, text=True)
        if r.returncode != 0:
            fail("api fetch x509: openssl failed: %s" % r.stderr.strip())
        os.chmod(key + ".tmp", 0o600)
        os.replace(key + ".tmp", key)
        os.replace(crt + ".tmp", crt)
        with open(crt) as f, open(os.path.join(out, "bundle.0.pem") + ".tmp", "w") as b:
            b.write(f.read())
        os.replace(os.path.join(out, "bundle.0.pem") + ".tmp", os.path.join(out, "bundle.0.pem"))
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
