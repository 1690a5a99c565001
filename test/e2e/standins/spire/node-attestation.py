# Node attestation of the stand-in spire-agent (composed into the program before spire-agent.py).
#
# Collects the evidence the real agent-side NodeAttestor plugins send (SPIRE v1.15.3,
# doc/plugin_agent_nodeattestor_*.md) and hands it to the SPIRE server stand-in on the control
# server, which judges it as the real server's attestors would (test/e2e/harness/
# spire-server-attestation.ts). The metadata services are the loopback stubs at the control
# server's URL (the real agent asks 169.254.169.254 / metadata.google.internal).
#   aws_iid:    IMDSv2 token, then instance-identity/document and its signature.
#   gcp_iit:    instance/service-accounts/<sa>/identity?audience=spire-gcp-node-attestor&format=full
#   azure_imds: challenge nonce from the server, then metadata/attestation/document?nonce=...
#   x509pop:    the certificate chain, then the server's nonce signed with the private key.
#   join_token: the token from agent.join_token_file (or -joinToken).
GCP_IIT_AUDIENCE = "spire-gcp-node-attestor"


def _md(method, path, headers):
    req = urllib.request.Request(_endpoint() + path, headers=headers, method=method)
    try:
        with _OPENER.open(req, timeout=10) as r:
            return r.read().decode("utf-8")
    except Exception as e:
        fail("node attestation: instance metadata %s unreachable: %s" % (path, e))


def _server(body):
    return _post("/spire/attest", json.dumps(body).encode(), {"content-type": "application/json"})


def _evidence(name, data, agent, flags):
    if name == "aws_iid":
        token = _md("PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        h = {"X-aws-ec2-metadata-token": token}
        return {"document": _md("GET", "/latest/dynamic/instance-identity/document", h),
                "signature": _md("GET", "/latest/dynamic/instance-identity/signature", h)}
    if name == "gcp_iit":
        sa = data.get("service_account", "default")
        return {"token": _md("GET", "/computeMetadata/v1/instance/service-accounts/%s/identity?audience=%s&format=full" % (sa, GCP_IIT_AUDIENCE),
                             {"Metadata-Flavor": "Google"})}
    if name == "azure_imds":
        if not data.get("tenant_domain"):
            fail("NodeAttestor \"azure_imds\" needs plugin_data.tenant_domain")
        return {"tenant_domain": data["tenant_domain"]}
    if name == "x509pop":
        pem = read_text(data["certificate_path"], "x509pop host certificate")
        if data.get("intermediates_path"):
            pem += read_text(data["intermediates_path"], "x509pop intermediates")
        certs = ["-----BEGIN CERTIFICATE-----" + c for c in pem.split("-----BEGIN CERTIFICATE-----")[1:]]
        return {"certificates": certs}
    if name == "join_token":
        token = flags.get("joinToken", [None])[-1]
        path = agent.get("join_token_file")
        if token is None and path:
            token = read_text(path, "join token file").strip()
        if not token:
            fail("NodeAttestor \"join_token\" needs a join token (agent.join_token_file or -joinToken)")
        return {"token": token}
    fail("stand-in cannot attest with NodeAttestor %r" % name)


def _respond(name, data, nonce):
    if name == "azure_imds":
        doc = json.loads(_md("GET", "/metadata/attestation/document?api-version=2023-07-01&nonce=%s" % nonce, {"Metadata": "true"}))
        return {"document": doc.get("signature", "")}
    if name == "x509pop":
        r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", data["private_key_path"]], input=nonce.encode(), capture_output=True)
        if r.returncode != 0:
            fail("x509pop: cannot sign the challenge with %s: %s" % (data["private_key_path"], r.stderr.decode().strip()))
        import base64
        return {"signature": base64.b64encode(r.stdout).decode()}
    fail("unexpected challenge for %s" % name)


def attest_node(cfg, agent, flags, data_dir):
    """Attests like the real agent; refused attestation ends the agent (it exits with the server's reason).

    Like the real agent, an agent whose data_dir holds the SVID of an earlier attestation
    presents it instead of attesting again (a restart, a reboot)."""
    svid = os.path.join(data_dir, "agent_svid.der")
    if os.path.exists(svid):
        try:
            with open(svid) as f:
                agent_id = json.load(f)["agent_id"]
        except (OSError, ValueError, KeyError):
            agent_id = None
        if agent_id:
            reply = _server({"resume": agent_id})
            if "error" in reply:
                fail("failed to attest: %s" % reply["error"])
            return reply
    attestors = cfg.get("plugins", {}).get("NodeAttestor", {})
    if len(attestors) != 1:
        fail("exactly one NodeAttestor plugin is required, got %s" % sorted(attestors))
    name = list(attestors)[0]
    data = attestors[name].get("plugin_data", {}) or {}
    reply = _server({"attestor": name, "payload": _evidence(name, data, agent, flags)})
    if "challenge" in reply:
        reply = _server({"session": reply["session"], "attestor": name, "response": _respond(name, data, reply["challenge"])})
    if "error" in reply:
        fail("failed to attest: %s" % reply["error"], attestor=name)
    with open(svid, "w") as f:
        json.dump({"agent_id": reply["agent_id"], "stand-in": "agent SVID"}, f)
    return reply


def identity_for(attestation, user, uid):
    """The SPIFFE ID the Workload API issues to a caller (unix workload attestor selectors), or None."""
    have = {"unix:user:%s" % user, "unix:uid:%d" % uid}
    for e in (attestation or {}).get("entries", []):
        if all(s in have for s in e["selectors"]):
            return e["spiffe_id"]
    return None
