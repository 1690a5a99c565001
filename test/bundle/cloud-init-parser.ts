/**
 * Round-trips user data through cloud-init's own parser: Debian's `/usr/bin/python3` with
 * `cloudinit.user_data.UserDataProcessor`, the code that splits, decompresses and types user
 * data on a booted VM (shared/reference/cloud-init.md §3.7, step 4). Never the `python3` on
 * PATH: it may be a pyenv shim without cloud-init's modules.
 */
import { spawn } from 'node:child_process';
import { requireExecutable } from '../validators/require-tool.js';

const PYTHON = '/usr/bin/python3';

/** The §3.7 snippet, reading the blob from stdin and printing each part as JSON. */
const SCRIPT = String.raw`
import base64, json, sys
try:
    from cloudinit import user_data as ud
    from cloudinit.helpers import Paths
except ImportError:
    sys.stderr.write("NO_CLOUDINIT")
    sys.exit(3)
blob = sys.stdin.buffer.read()
msg = ud.UserDataProcessor(Paths({"cloud_dir": "/nonexistent", "run_dir": "/nonexistent"})).process(blob)
parts = []
for p in msg.walk():
    if p.is_multipart():
        continue
    data = p.get_payload(decode=True) or b""
    parts.append({"type": p.get_content_type(), "filename": p.get_filename(), "payload": base64.b64encode(data).decode("ascii")})
json.dump(parts, sys.stdout)
`;

/** One part as cloud-init sees it. */
export interface CloudInitPart {
  /** MIME type cloud-init dispatches on (text/cloud-config, text/x-shellscript, text/x-not-multipart...). */
  type: string;
  filename: string | null;
  /** The decoded payload bytes. */
  payload: Buffer;
}

/**
 * Parses `blob` as cloud-init would on boot; throws naming the Debian package `cloud-init`
 * when its Python modules are missing, or with Python's stderr when parsing fails.
 */
export async function parseWithCloudInit(blob: Uint8Array): Promise<CloudInitPart[]> {
  requireExecutable(PYTHON, 'python3');
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(Buffer.from(blob));
  });
  if (code === 3 && stderr.includes('NO_CLOUDINIT')) {
    throw new Error(`${PYTHON} cannot import cloudinit: install the Debian package 'cloud-init' (apt-get install -y cloud-init); this check never skips`);
  }
  if (code !== 0) throw new Error(`cloud-init's UserDataProcessor failed (exit ${code}):\n${stderr}`);
  return (JSON.parse(stdout) as Array<{ type: string; filename: string | null; payload: string }>).map((p) => ({ ...p, payload: Buffer.from(p.payload, 'base64') }));
}
