/**
 * The Handlebars environment for shell templates (templates/bootstrap/**). Templates interpolate
 * ONLY through the helpers below, each of which returns text that is safe in the shell position
 * it is documented for; a raw `{{value}}` would splice unquoted text into a root shell script, so
 * test/delivery/template-lint.test.ts rejects it. Compiled with `noEscape: true` (HTML escaping is
 * wrong for shell), `strict: true` (a missing field is a render error, not an empty string) and
 * `preventIndent: true` (an indented partial must not indent heredoc bodies). Architecture
 * guide §4.
 */
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join, relative } from 'node:path';
import { assetPath, readAsset } from '../assets.js';

/** Names of the interpolating helpers; the template lint allows exactly these (plus block helpers). */
export const SHELL_HELPERS = ['shq', 'shqList', 'int', 'octal', 'comment', 'stage'] as const;

/** Quotes a string as one single-quoted shell word: `'` becomes `'\''` (POSIX quoting). */
export function shq(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`shq: expected a string or number, got ${typeof value}`);
  const s = String(value);
  if (s.includes('\0')) throw new Error('shq: a NUL byte cannot be passed to a shell');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each item of a list and joins them with spaces (an argument list). */
export function shqList(values: unknown): string {
  if (!Array.isArray(values)) throw new Error('shqList: expected a list');
  return values.map(shq).join(' ');
}

/** Prints a non-negative safe integer (ports, counts); anything else is a render error. */
export function int(value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`int: expected a non-negative integer, got ${String(value)}`);
  return String(value);
}

/** Prints a file mode as four octal digits (0644): safe unquoted, and what install/chmod expect. */
export function octal(value: unknown): string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0o7777) throw new Error(`octal: expected a file mode, got ${String(value)}`);
  return value.toString(8).padStart(4, '0');
}

/** Prints `# <text>` on one line: line breaks would end the comment and start a command. */
export function comment(value: unknown): string {
  if (typeof value !== 'string') throw new Error('comment: expected a string');
  return `# ${value.replace(/[\r\n]+/g, ' ').trimEnd()}`;
}

/**
 * Emits a statement that writes `content` to the staged file `rel`: a quoted heredoc (no
 * expansion inside) whose delimiter does not occur as a line of the content, or, when the
 * content does not end with a newline (a heredoc always adds one), a base64 string.
 */
export function stage(rel: unknown, content: unknown): string {
  if (typeof rel !== 'string' || typeof content !== 'string') throw new Error('stage: expected a path and content');
  if (!content.endsWith('\n') || content.includes('\0') || content.includes('\r')) {
    return `stage_b64 ${shq(rel)} ${shq(Buffer.from(content, 'utf8').toString('base64'))}`;
  }
  // A line of the content (which ends with a newline) equals the delimiter iff the content starts
  // with "<delim>\n" or contains "\n<delim>\n": substring searches, no split and no copy, since
  // a fleet stages tens of thousands of files.
  const isLine = (d: string): boolean => content.startsWith(`${d}\n`) || content.includes(`\n${d}\n`);
  let delim = 'VMONBOARD_EOF';
  for (let i = 1; isLine(delim); i++) delim = `VMONBOARD_EOF_${i}`;
  return `stage_file ${shq(rel)} <<'${delim}'\n${content}${delim}`;
}

/** Wraps a helper so Handlebars' trailing `options` argument is dropped and arity is checked. */
function helper(name: string, fn: (...args: unknown[]) => string, arity: number): Handlebars.HelperDelegate {
  return (...args: unknown[]) => {
    const params = args.slice(0, -1);
    if (params.length !== arity) throw new Error(`${name}: expected ${arity} argument(s), got ${params.length}`);
    return fn(...params);
  };
}

let env: typeof Handlebars | undefined;

/** Directory of the shell templates inside the package. */
export const TEMPLATE_DIR = 'templates/bootstrap';

/** Lists every template file (relative to TEMPLATE_DIR, POSIX separators), sorted. */
export function listTemplates(): string[] {
  const root = assetPath(TEMPLATE_DIR);
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.hbs')) out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out;
}

/**
 * Returns the shared Handlebars environment: the helpers above, and every file under
 * templates/bootstrap/partials/ registered as a partial named by its path without `.sh.hbs`
 * (e.g. `common/retry`).
 */
export function shellEnv(): typeof Handlebars {
  if (env) return env;
  const hb = Handlebars.create();
  hb.registerHelper('shq', helper('shq', shq, 1));
  hb.registerHelper('shqList', helper('shqList', shqList, 1));
  hb.registerHelper('int', helper('int', int, 1));
  hb.registerHelper('octal', helper('octal', octal, 1));
  hb.registerHelper('comment', helper('comment', comment, 1));
  hb.registerHelper('stage', helper('stage', stage, 2));
  for (const t of listTemplates().filter((t) => t.startsWith('partials/'))) {
    const name = t.slice('partials/'.length).replace(/\.sh\.hbs$/, '');
    hb.registerPartial(name, compileTemplate(hb, t));
  }
  env = hb;
  return hb;
}

/** How every shell template is compiled (scripts/generate-templates.mjs precompiles with the same). */
export const SHELL_COMPILE_OPTIONS = { noEscape: true, strict: true, preventIndent: true } as const;

/** The module `npm run build` writes beside the compiled shell-helpers.js (scripts/generate-templates.mjs). */
interface PrecompiledModule {
  OPTIONS: unknown;
  HANDLEBARS_VERSION: string;
  PRECOMPILED: Record<string, { sha256: string; spec: TemplateSpecification } | undefined>;
}

/**
 * The precompiled templates, when this is a build that has them and they were made by this
 * Handlebars with these options; undefined from the TypeScript sources (tests compile instead).
 * A variable specifier: the module does not exist until the build writes it.
 */
const PRECOMPILED_MODULE = './generated/shell-templates.gen.js';
const precompiled: PrecompiledModule | undefined = await import(PRECOMPILED_MODULE).then(
  (m: PrecompiledModule) => (m.HANDLEBARS_VERSION === Handlebars.VERSION && isDeepStrictEqual(m.OPTIONS, SHELL_COMPILE_OPTIONS) ? m : undefined),
  () => undefined,
);

/** True when this build loaded precompiled templates (a dist/ build made by `npm run build`). */
export function precompiledTemplatesLoaded(): boolean {
  return precompiled !== undefined;
}

/**
 * The template function of templates/bootstrap/<rel>: the precompiled one when it was made from
 * exactly this file (its sha256 matches), else compiled now. Compiling every template costs
 * ~200 ms, most of a cold `vmonboard render`; the hash check keeps a stale generated module from
 * ever changing what is rendered.
 */
function compileTemplate(hb: typeof Handlebars, rel: string): HandlebarsTemplateDelegate {
  const text = readAsset(`${TEMPLATE_DIR}/${rel}`);
  const pre = precompiled?.PRECOMPILED[rel];
  if (pre && pre.sha256 === createHash('sha256').update(text).digest('hex')) return hb.template(pre.spec);
  return hb.compile(text, { ...SHELL_COMPILE_OPTIONS });
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders a top-level template (path relative to templates/bootstrap/) with a context object. */
export function renderShell(template: string, context: object): string {
  let fn = compiled.get(template);
  if (!fn) {
    fn = compileTemplate(shellEnv(), template);
    compiled.set(template, fn);
  }
  return fn(context);
}
