/**
 * Every emitted `#cloud-config` is judged by its consumers: Debian's `cloud-init schema
 * --config-file` (22.4.2; the exit code is the contract), cloud-init's 22.4.2 and newest JSON
 * schemas under ajv with unknown top-level keys as errors, and PyYAML (what cloud-init parses
 * with), which must read back exactly the object we meant. Only top-level keys from a named
 * allow-list are used, each present in cloud-init 22.2 (Amazon Linux 2023's; cloud-init.md §1.5).
 */
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCloudInitSchema, validateCloudConfigSchema } from '../validators/cloud-config.js';
import { readManyWithPyYAML, readWithPyYAML } from '../validators/pyyaml.js';
import { buildCloudConfig, CLOUD_CONFIG_KEYS, renderCloudConfig, type CloudConfig } from '../../src/delivery/cloud-config.js';
import { renderBootstrap } from '../../src/delivery/bootstrap.js';
import { BOOTSTRAP_VM_PATH } from '../../src/delivery/vm-paths.js';
import { corpus, type CorpusVm } from './helpers/corpus.js';

/**
 * The allow-list, each key with where 22.2 has it:
 * - write_files: module cc_write_files (cloud-init.md §2.1 network stage, §2.2); of its item keys
 *   we use path, content, owner, permissions and encoding (gz+b64, in the 22.4.2 schema's enum and
 *   decoded by 22.4.2 in §2.2's test); never `defer` (21.4) or `source` (24.3, §1.5).
 * - runcmd: module cc_runcmd (§2.2), run by scripts_user in the final stage.
 */
const ALLOWED_TOP_LEVEL = ['write_files', 'runcmd'];
const ALLOWED_WRITE_FILES_KEYS = ['path', 'owner', 'permissions', 'encoding', 'content'];

interface Doc {
  vm: CorpusVm;
  text: string;
  intended: CloudConfig;
}

let docs: Doc[] = [];

/** The files a bootstrap stages itself: here-documents and base64 strings, as [rel, content] in script order. */
function embeddedFiles(script: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of script.matchAll(/^ *stage_file '([^']+)' <<'(VMONBOARD_EOF[_0-9]*)'\n([\s\S]*?)^\2$|^ *stage_b64 '([^']+)' '([A-Za-z0-9+/=]*)'$/gm)) {
    out.push(m[1] !== undefined ? [m[1], m[3]!] : [m[4]!, Buffer.from(m[5]!, 'base64').toString('utf8')]);
  }
  return out;
}

beforeAll(async () => {
  for (const c of await corpus()) {
    const f = c.payload.files.find((x) => x.name === 'user-data.yaml');
    if (!f) continue;
    const boot = renderBootstrap(c.vm, c.vm.platform.bake ? 'firstboot' : 'full');
    // user-data.yaml is text; only a compressed payload (user-data.yaml.gz) is bytes.
    docs.push({ vm: c, text: f.content as string, intended: buildCloudConfig(boot.script) });
  }
}, 120_000);

describe('#cloud-config payloads', () => {
  it('exist for every cloud-init platform of the corpus', () => {
    expect(docs.map((d) => d.vm.id)).toEqual(expect.arrayContaining(['quickstart/bookinfo/ratings/aws-prod', 'quickstart/bookinfo/ratings/azure-prod', 'aws-bake/shop/orders/aws-ami', 'crds-registration/bookinfo/reviews/gcp-prod']));
  });

  it('start with #cloud-config at byte 0, LF only, no BOM', () => {
    for (const d of docs) {
      expect(d.text.startsWith('#cloud-config\n'), d.vm.id).toBe(true);
      expect(d.text.includes('\r'), d.vm.id).toBe(false);
    }
  });

  it('pass `cloud-init schema --config-file` (exit code 0)', async () => {
    for (const d of docs) {
      const r = await runCloudInitSchema(d.text);
      expect(r.exitCode, `${d.vm.id}: ${r.output}`).toBe(0);
    }
  }, 120_000);

  it('read back through PyYAML to exactly the intended object', async () => {
    const read = await readManyWithPyYAML(docs.map((d) => d.text));
    read.forEach((obj, i) => expect(obj, docs[i]!.vm.id).toEqual(docs[i]!.intended));
  });

  it('pass the 22.4.2 and newest cloud-init schemas with unknown top-level keys as errors', async () => {
    const read = await readManyWithPyYAML(docs.map((d) => d.text));
    for (const [i, obj] of read.entries()) {
      expect(validateCloudConfigSchema(obj, 'v22.4.2'), docs[i]!.vm.id).toEqual([]);
      expect(validateCloudConfigSchema(obj, 'newest'), docs[i]!.vm.id).toEqual([]);
    }
  });

  it('use only allow-listed top-level and write_files keys', () => {
    expect([...CLOUD_CONFIG_KEYS]).toEqual(ALLOWED_TOP_LEVEL);
    for (const d of docs) {
      expect(Object.keys(d.intended), d.vm.id).toEqual(ALLOWED_TOP_LEVEL);
      for (const w of d.intended.write_files) for (const k of Object.keys(w)) expect(ALLOWED_WRITE_FILES_KEYS, `${d.vm.id} ${w.path}`).toContain(k);
    }
  });

  it('write only the bootstrap (gz+b64, decoding to bootstrap.sh), which carries each agent file once, and run it with one runcmd', () => {
    for (const d of docs) {
      expect(d.intended.write_files.map((w) => [w.path, w.owner, w.permissions, w.encoding]), d.vm.id).toEqual([[BOOTSTRAP_VM_PATH, 'root:root', '0700', 'gz+b64']]);
      const script = gunzipSync(Buffer.from(d.intended.write_files[0]!.content, 'base64')).toString('utf8');
      expect(script, d.vm.id).toBe(d.vm.payload.files.find((f) => f.name === 'bootstrap.sh')!.content);
      // Each agent file is staged by the script exactly once, byte for byte (and is in no other write_files item).
      const embedded = embeddedFiles(script);
      for (const f of d.vm.vm.agentFiles) expect(embedded.filter(([rel]) => rel === f.bundlePath), `${d.vm.id}: ${f.bundlePath}`).toEqual([[f.bundlePath, f.content]]);
      expect(d.intended.runcmd).toEqual([['/bin/bash', BOOTSTRAP_VM_PATH]]);
    }
  });
});

describe('the validators catch what we must never emit', () => {
  it('an unknown top-level key fails both ajv schemas', async () => {
    const obj = await readWithPyYAML(`#cloud-config\n${renderCloudConfig(buildCloudConfig('#!/bin/bash\n'), '').slice('#cloud-config\n'.length)}bootstrap: "x"\n`);
    expect(validateCloudConfigSchema(obj, 'v22.4.2')).toEqual(['/: unknown key "bootstrap"']);
    expect(validateCloudConfigSchema(obj, 'newest').join('\n')).toContain('bootstrap');
  });

  it('an unquoted octal mode fails cloud-init schema', async () => {
    const text = renderCloudConfig(buildCloudConfig('#!/bin/bash\n'), '').replace('"permissions": "0700"', 'permissions: 0700').replace('permissions: "0700"', 'permissions: 0700');
    expect(text).toContain('permissions: 0700');
    expect((await runCloudInitSchema(text)).exitCode).toBe(1);
  });
});
