/**
 * Edits a rendered `#cloud-config` the way a careless hand would, for the scenarios that must
 * show the harness catches a broken payload. Parsed and dumped with js-yaml (every string
 * quoted), so only the intended defect differs from the rendered payload. The rendered bootstrap
 * travels gz+b64 and carries the files it stages as here-documents: edits see it decoded, and a
 * staged file is edited inside the script.
 */
import { gunzipSync } from 'node:zlib';
import jsYaml from 'js-yaml';

/** One write_files item as vmonboard renders it (and as a naive payload might add it). */
export interface WriteFileItem {
  path: string;
  owner?: string;
  permissions?: string;
  encoding?: string;
  content: string;
}

/** The parts of the cloud-config the edits touch. */
export interface EditableCloudConfig {
  write_files: WriteFileItem[];
  runcmd: unknown[];
  [key: string]: unknown;
}

/** Where the bootstrap stages files on the VM (src/delivery/vm-paths.ts STAGED_DIR). */
const STAGED_DIR = '/var/lib/vmonboard/staged';

/** The item with its content decoded the way cc_write_files decodes it (only gz+b64 is rendered). */
function decoded(item: WriteFileItem): WriteFileItem {
  if (item.encoding === undefined) return item;
  if (item.encoding !== 'gz+b64') throw new Error(`unexpected write_files encoding ${item.encoding}`);
  const { encoding: _, ...rest } = item;
  return { ...rest, content: gunzipSync(Buffer.from(item.content, 'base64')).toString('utf8') };
}

/** The cloud-config of `userData` with every write_files item decoded, as cloud-init would write them. */
export function readUserData(userData: string): EditableCloudConfig {
  if (!userData.startsWith('#cloud-config\n')) throw new Error('not a #cloud-config');
  const cfg = jsYaml.load(userData) as EditableCloudConfig;
  return { ...cfg, write_files: cfg.write_files.map(decoded) };
}

/** Returns `userData` with `edit` applied to its parsed cloud-config (written back decoded, as plain text). */
export function editUserData(userData: string, edit: (cfg: EditableCloudConfig) => void): string {
  const cfg = readUserData(userData);
  edit(cfg);
  return `#cloud-config\n${jsYaml.dump(cfg, { forceQuotes: true, lineWidth: -1 })}`;
}

/** The here-document of `rel` in a bootstrap script: its delimiter and body. */
function hereDocument(script: string, rel: string): { match: string; delim: string; body: string } | undefined {
  const quoted = `'${rel.replace(/'/g, `'\\''`)}'`;
  const start = script.indexOf(`stage_file ${quoted} <<'`);
  if (start < 0) return undefined;
  const m = /^stage_file '(?:[^']|'\\'')*' <<'([A-Z0-9_]+)'\n/.exec(script.slice(start));
  if (!m) return undefined;
  const bodyStart = start + m[0].length;
  const end = script.indexOf(`\n${m[1]}\n`, bodyStart - 1);
  if (end < 0) return undefined;
  const body = script.slice(bodyStart, end + 1);
  return { match: script.slice(start, end + 1 + m[1]!.length + 1), delim: m[1]!, body };
}

/**
 * The staged file whose path ends with `suffix`: a write_files item, or a file the bootstrap
 * stages as a here-document, returned as an item whose `content` reads and rewrites the script.
 * Throws when there is none.
 */
export function stagedFile(cfg: EditableCloudConfig, suffix: string): WriteFileItem {
  const f = cfg.write_files.find((w) => w.path.endsWith(suffix));
  if (f) return f;
  for (const boot of cfg.write_files) {
    for (const m of boot.content.matchAll(/^ *stage_file '([^']+)' <</gm)) {
      const rel = m[1]!;
      if (!`${STAGED_DIR}/${rel}`.endsWith(suffix)) continue;
      return {
        path: `${STAGED_DIR}/${rel}`,
        get content(): string {
          return hereDocument(boot.content, rel)!.body;
        },
        set content(value: string) {
          const doc = hereDocument(boot.content, rel)!;
          if (!value.endsWith('\n') || value.split('\n').includes(doc.delim)) throw new Error(`cannot embed this content as a here-document of ${rel}`);
          // A replacer function: a string replacement would interpret `$&` and `$$` in the content.
          boot.content = boot.content.replace(doc.match, () => `stage_file '${rel}' <<'${doc.delim}'\n${value}${doc.delim}\n`);
        },
      };
    }
  }
  throw new Error(`no write_files item or staged file ending in ${suffix}: ${cfg.write_files.map((w) => w.path).join(', ')}`);
}
