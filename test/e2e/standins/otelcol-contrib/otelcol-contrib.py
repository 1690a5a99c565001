# Stand-in for otelcol-contrib (started by the package's unit as user otelcol-contrib).
#
# Each --config must be readable by the collector's user and pass validateOtelConfig (the
# YAML parses, every component exists in the pinned distribution, every pipeline component is
# defined). SIGHUP (the unit's ExecReload) re-checks, as the real collector reloads.
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
    report("ready", configs=paths)
    stay_up(on_hup=lambda: check(paths))


main()
