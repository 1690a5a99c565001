# Stand-in for otelcol-contrib (started by the package's unit as user otelcol-contrib).
#
# Each --config must be readable by the collector's user and pass validateOtelConfig (the
# YAML parses, every component exists in the pinned distribution, every pipeline component is
# defined). SIGHUP (the unit's ExecReload) re-checks, as the real collector reloads.
# Each otlp_grpc exporter's TLS client certificate must load at start (as configtls does), and the
# stand-in then makes one TLS connection to the exporter's endpoint with it, reporting the result.
AGENT = "otelcol-contrib"


def config_paths(args):
    flags, rest = parse_flags(args)
    paths = []
    for uri in flags.get("config", []):
        if uri.startswith("file:"):
            uri = uri[len("file:"):]
        elif ":" in uri.split("/", 1)[0]:
            fail("config provider %r is not implemented by the stand-in" % uri)
        paths.append(uri)
    if not paths:
        fail("no --config given (the real collector would start with no pipelines and exit)")
    return paths, rest


def check(paths):
    for p in paths:
        validate("otel-config", p)


def otlp_exporters(paths):
    """The otlp_grpc exporters of the configs: (id, endpoint, tls settings)."""
    import yaml
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        for cid, body in (cfg.get("exporters") or {}).items():
            if cid.split("/")[0] == "otlp_grpc":
                out.append((cid, (body or {}).get("endpoint", ""), (body or {}).get("tls") or {}))
    return out


def tls_context(tls):
    """The exporter's TLS client context. Like configtls at start (loadCertificate), a client
    certificate or key that cannot be read or does not match stops the collector."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca = tls.get("ca_file")
    if ca:
        ctx.load_verify_locations(cafile=ca)
    cert, key = tls.get("cert_file"), tls.get("key_file")
    if cert or key:
        read_text(cert, "exporter TLS certificate")
        read_text(key, "exporter TLS key")
        try:
            ctx.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as e:
            fail("failed to load TLS cert and key %s, %s: %s" % (cert, key, e), path=cert)
    return ctx


def export_loop(exporters, contexts):
    """Sends one OTLP "export" per exporter: a TLS handshake with the gateway, which answers a
    line. A failed attempt is retried (the real exporter retries and never exits on it)."""
    import ssl
    import threading

    def run(cid, endpoint, tls, ctx):
        host, _, port = endpoint.rpartition(":")
        host = host.strip("[]")
        last = ""
        for attempt in range(1, 31):
            try:
                with socket.create_connection((host, int(port)), timeout=10) as raw:
                    with ctx.wrap_socket(raw, server_hostname=tls.get("server_name_override") or host) as s:
                        s.settimeout(10)
                        answer = s.makefile().readline().strip()
                if answer.startswith("ok"):
                    report("did", action="otlp-export", exporter=cid, endpoint=endpoint, attempt=attempt,
                           client_certificate=bool(tls.get("cert_file")), answer=answer)
                    return
                last = "gateway closed the connection without accepting it"
            except (OSError, ssl.SSLError, ValueError) as e:
                last = str(e)
            time.sleep(2)
        report("did", action="otlp-export-failed", exporter=cid, endpoint=endpoint, error=last,
               client_certificate=bool(tls.get("cert_file")))

    for (cid, endpoint, tls), ctx in zip(exporters, contexts):
        threading.Thread(target=run, args=(cid, endpoint, tls, ctx), daemon=True).start()


def main():
    args = sys.argv[1:]
    if args[:1] in (["--version"], ["-v"]):
        print("otelcol-contrib version %s (stand-in)" % STANDIN_VERSION)
        return
    if args[:1] == ["validate"]:
        paths, _ = config_paths(args[1:])
        check(paths)
        return
    if args[:1] == ["components"]:
        fail("stand-in does not implement 'components'", code=1)
    paths, rest = config_paths(args)
    if rest:
        fail("unknown arguments %r" % rest, code=1)
    report("start", argv=args, configs=paths)
    check(paths)
    exporters = otlp_exporters(paths)
    contexts = [tls_context(tls) for _, _, tls in exporters]
    report("ready", configs=paths)
    export_loop(exporters, contexts)
    stay_up(on_hup=lambda: check(paths))


main()
