/**
 * VM families (issue 19): a fleet's workloads often differ only in their names. Two VMs are of one
 * family when their workloads, with the names (name, namespace, service account) and the spec
 * pointer put aside, are the same, on the same placement. A VM worker renders a family once as a
 * template, with placeholder names, and every further VM of it by putting its own names in the
 * template's slots and computing again what is derived from its texts (payload hash, gzip, the
 * user-data budget: translate/late-values.ts). The bytes are those of rendering the VM itself.
 *
 * Why that holds, and what checks it:
 * - Names go in only where they are, as they are. A name is used as a slot only when it has the
 *   shape every quoting of ours leaves alone and YAML reads as a string (NAME_SHAPE): DNS-label
 *   characters, a letter first, at least three characters, not a YAML 1.1 word. Anything else
 *   renders the VM on its own.
 * - A template is checked before it is used. It is rendered with two sets of placeholders that
 *   differ in length and in order (SENTINEL_A, SENTINEL_B): putting B's names into A's render must
 *   give B's render exactly, late values and assumed conditions included. Then the VM that made
 *   the family a family (its second VM) is rendered on its own as well, and must equal the template
 *   filled with its names. A family that fails either check is never templated: each of its VMs is
 *   rendered on its own.
 * - Per-VM translators treat names as opaque text (translate/per-vm.ts says so): a translator that
 *   sorted or branched on a workload's name could pass both checks and still differ for a third
 *   name; test/parallel/vm-family.test.ts renders fleets with random names both ways.
 *
 * Written here rather than taken from a library: this is string templating over our own
 * translators' output with a check against them, which no templating package does.
 */
import type { Hash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Placement, WorkloadModel } from '../model/model.js';
import type { BundleFile } from '../bundle/bundle.js';
import type { VmRef } from '../translate/vm-ref.js';
import { LATE_CLOSE, LATE_OPEN, recordLate, sha256OfJoined, sha256OfJoinedBy, type LateRecording } from '../translate/late-values.js';
import { TemplateScan } from '../security/template-scan.js';
import { escapeRegExp } from '../regexp-escape.js';
import type { TextFinding } from '../security/scan-bundle.js';
import type { RenderVm, VmRender } from './render-vm.js';

/** DNS-label characters, a letter first, 3–63 characters: left alone by shq, JSON, HCL and our YAML. */
const NAME_SHAPE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
/** YAML 1.1 booleans and null (PyYAML reads them unquoted as such); every other NAME_SHAPE is a plain string. */
const YAML_WORDS = new Set(['yes', 'off', 'true', 'false', 'null']);

/** Placeholder names: two sets, short and early in sort order, long and late in it. */
const SENTINEL_A = (i: number): string => `avmofam${i}x`;
const SENTINEL_A_PATTERN = 'avmofam(\\d+)x';
const SENTINEL_B = (i: number): string => `zvmofam${i}${'z'.repeat(40)}`;
/** Placeholder spec pointers of the workload (its placements' pointers start with it). */
const POINTER_A = '/vmofampointera';
const POINTER_B = '/vmofampointerbzzzzzzzzzzzz';
/** Text that, found in a workload, would be taken for a placeholder: such a VM renders on its own. */
const RESERVED = /vmofam|[\uE010\uE011]/;
/**
 * Slots are filled after serialization, so what goes into them must be text that no quoting of
 * ours changes (shq, YAML double quotes, JSON, HCL strings): names of NAME_SHAPE, a spec pointer
 * of POINTER_SHAPE, and late values of LATE_VALUE_SHAPE (hex digests, base64). A VM whose
 * pointer or late value has another shape renders on its own, through the serializers.
 */
const POINTER_SHAPE = /^(\/[a-z0-9]+)+$/;
const LATE_VALUE_SHAPE = /^[A-Za-z0-9+/=]*$/;

/**
 * Templates kept per worker, least recently used out: at most this many, and this many
 * characters of text in all (a template keeps its first render's texts, ~110 K characters for the
 * bench fleet's VMs, twice that in bytes for texts with the header's em dash), since a worker's heap is capped.
 */
const TEMPLATES_MAX = 64;
const TEMPLATE_CHARS_MAX = 4 * 2 ** 20;
/** Families seen once, remembered for their second VM. */
const SEEN_MAX = 2048;
/**
 * Making a template costs two more renders. A fleet whose families come back only after their
 * template was evicted would pay that again and again, so once BUILD_TRIAL templates have been
 * made, no more are made unless each made one has filled FILLS_PER_BUILD VMs on average.
 */
const BUILD_TRIAL = 16;
const FILLS_PER_BUILD = 2;

/** A slot in a text rendered with SENTINEL_A names: a name (group 1), the workload pointer, or a late value (group 2). */
const SLOT_A = new RegExp(`${SENTINEL_A_PATTERN}|${escapeRegExp(POINTER_A)}|${LATE_OPEN}(\\d+)${LATE_CLOSE}`, 'g');

/** Half a surrogate pair at the start or end of a text. */
const HALF_PAIR_AT_EDGE = /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/;

/**
 * A text split at its slots: parts[0] slot[0] parts[1] … parts[n]. Slot 0…names-1 is a name,
 * slot `names` the workload pointer, slot names+1+k late value k. A class, so that a compiled
 * tree of findings or usage (compileTree) tells its texts from plain data.
 */
class CompiledText {
  readonly parts: string[] = [];
  readonly slots: number[] = [];

  /** Compiles `text`, rendered with SENTINEL_A names. */
  constructor(text: string, names: number) {
    let last = 0;
    for (const m of text.matchAll(SLOT_A)) {
      this.parts.push(text.slice(last, m.index));
      this.slots.push(m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? names + 1 + Number(m[2]) : names);
      last = m.index + m[0].length;
    }
    this.parts.push(text.slice(last));
  }

  /** The parts' UTF-8 (hashFilled), or null when a part has half a surrogate pair at an edge. */
  private encoded: Buffer[] | null | undefined;

  fill(values: readonly string[]): string {
    let s = this.parts[0]!;
    for (let i = 0; i < this.slots.length; i++) s += values[this.slots[i]!]! + this.parts[i + 1]!;
    return s;
  }

  /**
   * Feeds the filled text's UTF-8 to `hash` without filling it: the parts go as bytes encoded once
   * per template. The UTF-8 of a text is that of its pieces in turn when no piece boundary falls
   * inside a surrogate pair: slot values are ASCII, so only a part that starts or ends with half a
   * pair could (around an empty value), and such a text is filled and hashed whole.
   */
  hashFilled(hash: Hash, values: readonly string[]): void {
    this.encoded ??= this.parts.some((p) => HALF_PAIR_AT_EDGE.test(p)) ? null : this.parts.map((p) => Buffer.from(p, 'utf8'));
    if (this.encoded === null) {
      hash.update(this.fill(values));
      return;
    }
    hash.update(this.encoded[0]!);
    for (let i = 0; i < this.slots.length; i++) hash.update(values[this.slots[i]!]!).update(this.encoded[i + 1]!);
  }
}

/**
 * Fills a template's texts for one VM, each distinct text once: the bootstrap a late value hashes
 * or gzips is also a file, and filling it again would build (and flatten) the same long string
 * twice more per VM.
 */
class Filler {
  private readonly done = new Map<CompiledText, string>();

  /** `values` grows as late values are computed; a text is filled only once its slots have values. */
  constructor(private readonly values: string[]) {}

  text(c: CompiledText): string {
    let s = this.done.get(c);
    if (s === undefined) this.done.set(c, (s = c.fill(this.values)));
    return s;
  }

  /** A compiled tree (makeTemplate's compileTree) with each text filled. */
  tree(value: unknown): unknown {
    return mapLeaves(value, (c) => this.text(c as CompiledText));
  }
}

interface Template {
  names: number;
  /** Characters of text it keeps (TEMPLATE_CHARS_MAX). */
  chars: number;
  files: Array<{ path: CompiledText; content: CompiledText | Uint8Array; mode: BundleFile['mode']; source: CompiledText }>;
  /** Each text file content's secret scan, prepared from its parts (security/template-scan.ts). */
  scans: Map<CompiledText, TemplateScan>;
  late: Array<{ inputs: CompiledText[]; compute: (inputs: readonly string[]) => string }>;
  conditions: Array<{ inputs: CompiledText[]; holds: (inputs: readonly string[]) => boolean }>;
  /** Findings and usage as rendered with SENTINEL_A names, their texts compiled (filled per VM). */
  findings: unknown;
  usage: unknown;
}

/** The distinct names of a workload (name, namespace, service account, in that order), or undefined when one is not slot-safe. */
function slotNames(w: WorkloadModel): string[] | undefined {
  const names = [...new Set([w.name, w.namespace, w.serviceAccount])];
  return names.every((n) => NAME_SHAPE.test(n) && !YAML_WORDS.has(n)) ? names : undefined;
}

/** Deep copy of plain data with each leaf text (a string, or a CompiledText of a compiled tree) mapped; object keys and bytes are kept as they are. */
function mapLeaves(value: unknown, f: (leaf: string | CompiledText) => unknown): unknown {
  if (typeof value === 'string' || value instanceof CompiledText) return f(value);
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, f));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapLeaves(v, f);
    return out;
  }
  return value;
}

/** Deep copy of plain data with every string mapped. */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  return mapLeaves(value, (s) => f(s as string)) as T;
}

/** A function replacing each of `from` by the string at the same index of `to`, in one pass (the longest first where one holds another). */
function replacer(from: readonly string[], to: readonly string[]): (s: string) => string {
  const re = new RegExp([...from].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  const index = new Map(from.map((f, i) => [f, to[i]!]));
  return (s) => s.replace(re, (m) => index.get(m)!);
}

/** The workload's pointer replaced in its own and its placements' pointers (exactly, or as a prefix). */
function withPointer(p: string, from: string, to: string): string {
  return p === from ? to : p.startsWith(`${from}/`) ? to + p.slice(from.length) : p;
}

/** The workload with its names and pointer replaced by placeholders (in its placements too). */
function placeholderWorkload(w: WorkloadModel, names: readonly string[], sentinel: (i: number) => string, pointer: string): WorkloadModel {
  const rename = replacer(names, names.map((_, i) => sentinel(i)));
  const placements = w.placements.map((pl): Placement => ({ ...mapStrings({ ...pl, pointer: '' }, rename), pointer: withPointer(pl.pointer, w.pointer, pointer) }));
  return { ...mapStrings({ ...w, placements: [], pointer: '' }, rename), placements, pointer };
}

/** The VM with its names and its workload's pointer replaced by placeholders (its placement is the copy's). */
function placeholderVm(vm: VmRef, names: readonly string[], sentinel: (i: number) => string, pointer: string): VmRef {
  const workload = placeholderWorkload(vm.workload, names, sentinel, pointer);
  return { workload, placement: workload.placements[vm.workload.placements.indexOf(vm.placement)]! };
}

/** Whether `b` is `a` with `map` applied to every text: files (path, content, source, mode), findings and usage. */
function rendersAs(a: VmRender, b: VmRender, map: (s: string) => string): boolean {
  if (a.files.size !== b.files.size) return false;
  for (const [path, f] of a.files) {
    const g = b.files.get(map(path));
    if (!g || g.mode !== f.mode || g.source !== map(f.source)) return false;
    if (typeof f.content === 'string' ? g.content !== map(f.content) : !(g.content instanceof Uint8Array) || !Buffer.from(f.content).equals(g.content)) return false;
  }
  return isDeepStrictEqual(mapStrings(a.findings, map), b.findings) && isDeepStrictEqual(mapStrings(a.usage, map), b.usage);
}

/** Whether B's render is A's with B's placeholders put in (late values and conditions included). */
function sameShape(a: VmRender, la: LateRecording, b: VmRender, lb: LateRecording, names: number): boolean {
  const ab = replacer(
    [...Array.from({ length: names }, (_, i) => SENTINEL_A(i)), POINTER_A],
    [...Array.from({ length: names }, (_, i) => SENTINEL_B(i)), POINTER_B],
  );
  if (la.values.length !== lb.values.length || la.conditions.length !== lb.conditions.length) return false;
  const sameInputs = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((s, i) => ab(s) === y[i]);
  if (!la.values.every((v, k) => v.compute === lb.values[k]!.compute && sameInputs(v.inputs, lb.values[k]!.inputs))) return false;
  if (!la.conditions.every((c, k) => sameInputs(c.inputs, lb.conditions[k]!.inputs))) return false;
  return rendersAs(a, b, ab);
}

function makeTemplate(a: VmRender, la: LateRecording, names: number): Template {
  let chars = 0;
  for (const [path, f] of a.files) chars += path.length + (typeof f.content === 'string' ? f.content.length : f.content.length / 2);
  // A payload hash's inputs count twice: their parts are kept as UTF-8 too, once a VM is hashed (hashFilled).
  for (const v of la.values) for (const i of v.inputs) chars += v.compute === sha256OfJoined ? 2 * i.length : i.length;
  // A text met twice (a late value's input that is also a file) is compiled once, so it is filled once per VM (Filler).
  const compiled = new Map<string, CompiledText>();
  const compile = (text: string): CompiledText => {
    let c = compiled.get(text);
    if (!c) compiled.set(text, (c = new CompiledText(text, names)));
    return c;
  };
  const compileTree = (value: unknown): unknown => mapLeaves(value, (s) => compile(s as string));
  const files = [...a.files].map(([path, f]) => ({ path: compile(path), content: typeof f.content === 'string' ? compile(f.content) : f.content, mode: f.mode, source: compile(f.source) }));
  const scans = new Map<CompiledText, TemplateScan>();
  for (const { content } of files) if (content instanceof CompiledText && !scans.has(content)) scans.set(content, new TemplateScan(content.parts, content.slots));
  return {
    names,
    chars,
    files,
    scans,
    late: la.values.map((v) => ({ inputs: v.inputs.map(compile), compute: v.compute })),
    conditions: la.conditions.map((c) => ({ inputs: c.inputs.map(compile), holds: c.holds })),
    findings: compileTree(a.findings),
    usage: compileTree(a.usage),
  };
}

/**
 * sha256OfJoined of the texts `inputs` filled with `values`, hashed part by part: the payload hash
 * of every VM hashes its script (about 30 K characters, held as UTF-16 since the header's em dash)
 * and staged files, and filling them, then encoding them for the hash, cost more than the hash.
 */
function hashJoined(inputs: readonly CompiledText[], values: readonly string[]): string {
  return sha256OfJoinedBy(inputs.length, (hash, i) => inputs[i]!.hashFilled(hash, values));
}

/**
 * The template filled for `vm` (whose names are `names`), or undefined when a condition it
 * assumed fails for it or a late value is not of LATE_VALUE_SHAPE.
 */
function instantiate(t: Template, vm: VmRef, names: readonly string[]): VmRender | undefined {
  const values = [...names, vm.workload.pointer];
  const filler = new Filler(values);
  for (const v of t.late) {
    const value = v.compute === sha256OfJoined ? hashJoined(v.inputs, values) : v.compute(v.inputs.map((c) => filler.text(c)));
    if (!LATE_VALUE_SHAPE.test(value)) return undefined;
    values.push(value);
  }
  for (const c of t.conditions) if (!c.holds(c.inputs.map((i) => filler.text(i)))) return undefined;
  const files = new Map<string, BundleFile>();
  for (const f of t.files) files.set(filler.text(f.path), { content: f.content instanceof Uint8Array ? f.content : filler.text(f.content), mode: f.mode, source: filler.text(f.source) });
  const scanned: Array<[string, TextFinding[]]> = [];
  for (const [c, scan] of t.scans) {
    const text = filler.text(c);
    scanned.push([text, scan.scan(text, values)]);
  }
  return { files, findings: filler.tree(t.findings) as VmRender['findings'], usage: filler.tree(t.usage) as VmRender['usage'], scanned };
}

/** How a worker's VMs were rendered (tests read it). */
export interface FamilyStats {
  /** VMs rendered on their own (first of a family, not slot-safe, or of a family that failed its checks). */
  own: number;
  /** VMs filled in from a template. */
  filled: number;
  /** Templates made (checked), refused ones included. */
  built: number;
  /** Families whose template failed a check. */
  refused: number;
}

/** Renders VMs through family templates where it can, on its own otherwise; the result is always the VM's own render. */
export class VmFamilies {
  private readonly templates = new Map<string, Template | null>();
  private readonly seen = new Set<string>();
  private templateChars = 0;
  private last: { workload: WorkloadModel; family: { names: string[]; key: string } | undefined } | undefined;
  readonly stats: FamilyStats = { own: 0, filled: 0, built: 0, refused: 0 };

  constructor(private readonly render: RenderVm) {}

  renderVm(vm: VmRef): VmRender {
    const family = this.familyOf(vm.workload);
    if (!family) return this.own(vm);
    const { names } = family;
    const key = `${vm.workload.placements.indexOf(vm.placement)}\0${family.key}`;
    const t = this.templates.get(key);
    if (t === null) return this.own(vm);
    if (t) {
      this.templates.delete(key);
      this.templates.set(key, t);
      const filled = instantiate(t, vm, names);
      if (!filled) {
        // A payload over its budget (the only condition today) is over it for the family's other
        // VMs too, but for a few bytes of name, and a late value of another shape would be too:
        // they render on their own without a wasted fill.
        this.templates.set(key, null);
        this.templateChars -= t.chars;
        return this.own(vm);
      }
      this.stats.filled++;
      return filled;
    }
    if (this.stats.built >= BUILD_TRIAL && this.stats.filled < FILLS_PER_BUILD * this.stats.built) return this.own(vm);
    if (!this.seen.has(key)) {
      this.seen.add(key);
      if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value as string);
      return this.own(vm);
    }
    // The family's second VM: make its template, and check it against this VM rendered on its own.
    this.seen.delete(key);
    const own = this.own(vm);
    const made = this.makeChecked(placeholderVm(vm, names, SENTINEL_A, POINTER_A), vm, names, own);
    this.stats.built++;
    if (!made) this.stats.refused++;
    this.templates.set(key, made ?? null);
    this.templateChars += made?.chars ?? 0;
    while (this.templates.size > TEMPLATES_MAX || this.templateChars > TEMPLATE_CHARS_MAX) this.evictOldest();
    return own;
  }

  /**
   * The names and family key (every field but the names and pointer) of a workload, or undefined
   * when it cannot be slotted. A workload's VMs come one after another (listVms), so the last
   * answer is kept: the key is a walk and a serialization of the whole workload.
   */
  private familyOf(workload: WorkloadModel): { names: string[]; key: string } | undefined {
    if (this.last?.workload === workload) return this.last.family;
    const names = slotNames(workload);
    let family: { names: string[]; key: string } | undefined;
    if (names && POINTER_SHAPE.test(workload.pointer) && !RESERVED.test(JSON.stringify(workload))) {
      family = { names, key: JSON.stringify(placeholderWorkload(workload, names, SENTINEL_A, POINTER_A)) };
    }
    this.last = { workload, family };
    return family;
  }

  private evictOldest(): void {
    const [key, t] = this.templates.entries().next().value as [string, Template | null];
    this.templates.delete(key);
    this.templateChars -= t?.chars ?? 0;
  }

  private own(vm: VmRef): VmRender {
    this.stats.own++;
    return this.render(vm);
  }

  private makeChecked(shapeA: VmRef, vm: VmRef, names: readonly string[], own: VmRender): Template | undefined {
    let a: ReturnType<typeof recordLate<VmRender>>;
    let b: typeof a;
    try {
      a = recordLate(() => this.render(shapeA));
      b = recordLate(() => this.render(placeholderVm(vm, names, SENTINEL_B, POINTER_B)));
    } catch {
      // A translator that refuses a placeholder name looks at names: no template. The VM itself
      // rendered on its own (own), so a real error has already surfaced there.
      return undefined;
    }
    if (!sameShape(a.result, a.recorded, b.result, b.recorded, names.length)) return undefined;
    const t = makeTemplate(a.result, a.recorded, names.length);
    const filled = instantiate(t, vm, names);
    return filled && rendersAs(filled, own, (s) => s) ? t : undefined;
  }
}
