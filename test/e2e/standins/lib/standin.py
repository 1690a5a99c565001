# Common part of every stand-in program (the e2e harness prepends it to each agent's file, so
# every installed binary is one self-contained file, as the real static Go binaries are).
#
# Stand-ins run inside the booted container, which has no Node or Go. They judge their inputs
# by POSTing them to the test's validation endpoint on loopback (the same validators the unit
# tests use), report what they do as events, and never touch the network stack or iptables:
# the container shares the host's network namespace.
import json
import os
import pwd
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
import urllib.request

ENDPOINT_FILE = "/etc/vmonboard-e2e/endpoint"
# Loopback only: never go through a proxy the payload may have configured for downloads.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def whoami():
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _endpoint():
    try:
        with open(ENDPOINT_FILE, encoding="utf-8") as f:
            return f.read().strip()
    except OSError as e:
        sys.stderr.write("%s (vmonboard e2e stand-in): cannot read %s: %s\n" % (AGENT, ENDPOINT_FILE, e))
        sys.exit(70)


def _post(path, body, headers):
    req = urllib.request.Request(_endpoint() + path, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(req, timeout=60) as r:
            return json.loads(r.read().decode("utf-8"))
    except Exception as e:  # the harness must hear about every failure: no silent fallback
        sys.stderr.write("%s (vmonboard e2e stand-in): validation endpoint unreachable: %s\n" % (AGENT, e))
        sys.exit(70)


def report(event, **detail):
    """Sends one event (start, ready, fail, did, stop) to the test."""
    body = json.dumps({"agent": AGENT, "event": event, "pid": os.getpid(), "user": whoami(), "detail": detail}).encode()
    _post("/event", body, {"content-type": "application/json"})


def fail(message, code=1, **detail):
    """Reports a failed check and exits non-zero, as the real agent would refuse to run."""
    report("fail", errors=[message], **detail)
    sys.stderr.write("%s: %s\n" % (AGENT, message))
    sys.exit(code)


def read_text(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        fail("cannot read %s %s as user %s: %s" % (what, path, whoami(), e.strerror), path=path)


def validate(kind, path, text=None):
    """Has the test judge a file with the unit tests' validator; exits 1 when it is rejected."""
    if text is None:
        text = read_text(path, kind)
    resp = _post("/validate/" + kind, text.encode("utf-8"), {
        "content-type": "text/plain",
        "x-standin-agent": AGENT,
        "x-standin-file": path,
        "x-standin-pid": str(os.getpid()),
        "x-standin-user": whoami(),
    })
    if resp.get("errors"):
        for e in resp["errors"]:
            sys.stderr.write("%s: %s: %s\n" % (AGENT, path, e))
        sys.exit(1)
    return resp.get("decoded")


def parse_flags(args, booleans=()):
    """Go-style flags: -name value, -name=value, --name=value; returns (flags, positional)."""
    flags, rest, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and a not in ("-", "--"):
            name = a.lstrip("-")
            if "=" in name:
                name, value = name.split("=", 1)
            elif name in booleans:
                value = "true"
            elif i + 1 < len(args):
                i += 1
                value = args[i]
            else:
                fail("flag -%s needs a value" % name, code=2)
            flags.setdefault(name, []).append(value)
        else:
            rest.append(a)
        i += 1
    return flags, rest


def check_pem_certificates(path, what):
    """The file must hold at least one X.509 certificate openssl can read."""
    read_text(path, what)
    r = subprocess.run(["openssl", "x509", "-noout", "-subject", "-in", path], capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s %s holds no readable X.509 certificate: %s" % (what, path, r.stderr.strip()), path=path)


def stay_up(on_stop=None, on_hup=None):
    """Keeps running like a daemon until SIGTERM/SIGINT; SIGHUP calls on_hup (reload)."""
    def stop(signum, frame):
        if on_stop:
            on_stop()
        report("stop", signal=signum)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if on_hup:
        signal.signal(signal.SIGHUP, lambda s, f: on_hup())
    while True:
        time.sleep(3600)
