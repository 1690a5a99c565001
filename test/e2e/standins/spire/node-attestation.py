# Node attestation of the stand-in spire-agent (composed into the program before spire-agent.py).
#
# Collects the evidence the real agent-side NodeAttestor plugins send (SPIRE v1.15.3,
# doc/plugin_agent_nodeattestor_*.md) for the attest request spire-agent.py sends the SPIRE server
# stand-in over TLS (attest_to_server), which judges it as the real server's attestors would
# (test/e2e/harness/spire-server-attestation.ts). The metadata services are the loopback stubs at the control
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


def challenge_response(name, data, nonce):
    """The answer to the server's challenge (azure_imds: the attested document for its nonce; x509pop: the nonce signed)."""
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


def previous_agent_id(svid_file):
    """The agent ID of an earlier attestation kept in data_dir, or None (a first start)."""
    if not os.path.exists(svid_file):
        return None
    try:
        with open(svid_file) as f:
            return json.load(f)["agent_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def attest_request(cfg, agent, flags):
    """(attestor name, plugin_data, first attest message) for the agent's one NodeAttestor plugin."""
    attestors = cfg.get("plugins", {}).get("NodeAttestor", {})
    if len(attestors) != 1:
        fail("exactly one NodeAttestor plugin is required, got %s" % sorted(attestors))
    name = list(attestors)[0]
    data = attestors[name].get("plugin_data", {}) or {}
    return name, data, {"attestor": name, "payload": _evidence(name, data, agent, flags)}
