/**
 * Reads YAML back with PyYAML, the YAML 1.1 parser cloud-init uses (`yaml.safe_load`).
 *
 * Our own YAML libraries cannot judge our YAML output: `yaml` and js-yaml default to YAML 1.2,
 * where `yes`, `on`, `0640` or `1_000` are strings, while PyYAML reads them as bool/int
 * (shared/reference/cloud-init.md §3.6, shared/architecture.md §4). So tests read every emitted
 * YAML document through Debian's `/usr/bin/python3` + `python3-yaml` (never the `python3` on PATH,
 * which may be a pyenv shim without PyYAML).
 *
 * Values come back JSON-compatible. Types JSON cannot carry come back tagged, so a test can see
 * them: `{"__pyyaml_type": "date"|"datetime"|"bytes"|"set"|"float"|"int"|"map", "value": ...}`
 * (`float` for inf/nan, `int` for integers beyond 2^53, `map` for a mapping with a non-string key
 * such as `yes: 1`, whose key PyYAML turns into `True`; value is then a list of [key, value]).
 */
import { spawn } from 'node:child_process';
import { requireExecutable } from './require-tool.js';

const PYTHON = '/usr/bin/python3';

/** Python side: reads a JSON list of YAML texts on stdin, writes one JSON list of results. */
const SCRIPT = String.raw`
import base64, datetime, json, math, sys
try:
    import yaml
except ImportError:
    sys.stderr.write("NO_PYYAML")
    sys.exit(3)

SAFE = 2 ** 53

def tag(kind, value):
    return {"__pyyaml_type": kind, "value": value}

def conv(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if -SAFE <= v <= SAFE else tag("int", str(v))
    if isinstance(v, float):
        return v if math.isfinite(v) else tag("float", repr(v))
    if isinstance(v, datetime.datetime):
        return tag("datetime", v.isoformat())
    if isinstance(v, datetime.date):
        return tag("date", v.isoformat())
    if isinstance(v, bytes):
        return tag("bytes", base64.b64encode(v).decode("ascii"))
    if isinstance(v, set):
        return tag("set", sorted((conv(x) for x in v), key=repr))
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: conv(x) for k, x in v.items()}
        return tag("map", [[conv(k), conv(x)] for k, x in v.items()])
    return tag(type(v).__name__, repr(v))

req = json.load(sys.stdin)
out = []
for text in req["texts"]:
    try:
        if req["all"]:
            out.append({"ok": [conv(d) for d in yaml.safe_load_all(text)]})
        else:
            out.append({"ok": conv(yaml.safe_load(text))})
    except yaml.YAMLError as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
json.dump({"version": yaml.__version__, "results": out}, sys.stdout)
`;

/** Options for reading YAML with PyYAML. */
export interface PyYamlOptions {
  /** Read every document of a multi-document stream (`yaml.safe_load_all`) and return a list. */
  all?: boolean;
}

type PyResult = { ok: unknown } | { error: string };

/** Runs one Python process over a batch of texts; throws naming the Debian package when python3 or PyYAML is missing. */
async function runPython(texts: string[], all: boolean): Promise<PyResult[]> {
  requireExecutable(PYTHON, 'python3');
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 3 && stderr.includes('NO_PYYAML')) {
        reject(new Error(`PyYAML is missing for ${PYTHON}: install the Debian package 'python3-yaml' (apt-get install -y python3-yaml)`));
      } else if (code !== 0) {
        reject(new Error(`${PYTHON} exited ${code}: ${stderr}`));
      } else {
        resolve(Buffer.concat(out).toString('utf8'));
      }
    });
    child.stdin.end(JSON.stringify({ texts, all }));
  });
  return (JSON.parse(stdout) as { results: PyResult[] }).results;
}

/**
 * Parses `text` with PyYAML's `yaml.safe_load` (or `safe_load_all` with `{ all: true }`) and
 * returns the JSON-compatible value; rejects with PyYAML's own error message when PyYAML refuses
 * the text (for example an unquoted `=` scalar).
 */
export async function readWithPyYAML(text: string, options: PyYamlOptions = {}): Promise<unknown> {
  const [result] = await runPython([text], options.all ?? false);
  if (!result) throw new Error('PyYAML returned no result');
  if ('error' in result) throw new Error(`PyYAML rejected the document: ${result.error}`);
  return result.ok;
}

/**
 * Parses many YAML texts in ONE Python process (property tests call this with hundreds of
 * documents; a process per document would cost ~40 ms each) and returns their values in order.
 * Rejects listing every text PyYAML refused, by index.
 */
export async function readManyWithPyYAML(texts: string[], options: PyYamlOptions = {}): Promise<unknown[]> {
  if (texts.length === 0) return [];
  const results = await runPython(texts, options.all ?? false);
  const failures = results.flatMap((r, i) => ('error' in r ? [`#${i}: ${r.error}`] : []));
  if (failures.length > 0) throw new Error(`PyYAML rejected ${failures.length} of ${texts.length} documents:\n${failures.join('\n')}`);
  return results.map((r) => (r as { ok: unknown }).ok);
}
