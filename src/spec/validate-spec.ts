/**
 * The validation pipeline: load → version → schema → normalize → rules → resolve (files, lock),
 * returning every finding, located, and the Model when nothing is fatal. Pure apart from the
 * FileSource it is given: the caller decides where files and the lock come from.
 */
import { isFatal, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { locatePointer } from '../diagnostics/locate.js';
import type { Model } from '../model/model.js';
import type { FileSource } from './files.js';
import { loadYaml, type LoadedYaml } from './load.js';
import { FAST_READ_MIN_CHARS, fastSpecData } from './fast-load.js';
import { checkLock } from './lock.js';
import { findSpecVersion, supportedApiVersions } from './registry.js';
import { schemaErrorsToDiagnostics } from './schema-errors.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** Inputs of one validation. */
export interface SpecInput {
  /** Spec text and the name to show in diagnostics. */
  text: string;
  file: string;
  /** Lock file text (undefined when the file does not exist) and its display name. */
  lockText?: string;
  lockFile: string;
  files: FileSource;
  /** Resolve artifacts without reading or requiring the lock (used by `vmonboard pin`). */
  ignoreLock?: boolean;
}

/** The outcome: all findings (sorted), the model unless an error was found, and the texts for snippets. */
export interface ValidationResult {
  diagnostics: Diagnostic[];
  model?: Model;
  sources: Map<string, string>;
  /**
   * Rules that did not run because what they read failed the schema (issue 16); present only
   * when some were skipped. The report's summary line says so.
   */
  skippedRules?: string[];
  /** Locates findings made later (by translators) in the spec, by their pointers. */
  locate(diagnostics: Array<Diagnostic & { atKey?: boolean }>): Diagnostic[];
}

function locateAll(diags: Unlocated[], loaded: LoadedYaml, defaultFile: string): Diagnostic[] {
  return diags.map(({ atKey, ...d }) => {
    if (d.line !== undefined) return { ...d, file: d.file ?? defaultFile };
    const pos = locatePointer(loaded.doc, loaded.lineCounter, d.pointer, atKey);
    return { ...d, file: d.file ?? defaultFile, ...(pos ? { line: pos.line, column: pos.column } : {}) };
  });
}

/**
 * Locates findings in the spec, parsing it with its positions (the yaml library) the first time a
 * finding needs one, unless `parsed` already is. The parsed document is several times the size of
 * the model (about 110 MB for a 5,000-workload spec), and a spec with nothing to report never
 * needs it. Validation uses one while it runs; the result's `locate` is another, so the result
 * never keeps the document validation parsed. The same text parses to the same positions.
 */
function relocator(text: string, file: string, parsed?: LoadedYaml): (d: Unlocated[]) => Diagnostic[] {
  let loaded = parsed;
  return (d) => (d.length === 0 ? [] : locateAll(d, (loaded ??= loadYaml(text, file).loaded), file));
}

/** Runs the whole pipeline on one spec. Never throws for bad input: it reports. */
export function validateSpec(input: SpecInput): ValidationResult {
  const sources = new Map<string, string>([[input.file, input.text]]);
  const locate = relocator(input.text, input.file);
  const result = (diags: Diagnostic[], model?: Model): ValidationResult => {
    const sorted = sortDiagnostics(diags);
    return { diagnostics: sorted, sources, locate, ...(model && !isFatal(sorted) ? { model } : {}) };
  };
  // For a large spec, js-yaml's reading when it is certainly the yaml library's (fast-load.ts):
  // the document with positions is then made only if a finding needs one. Otherwise the yaml
  // library reads it.
  const fast = input.text.length >= FAST_READ_MIN_CHARS ? fastSpecData(input.text) : undefined;
  const full = fast === undefined ? loadYaml(input.text, input.file) : undefined;
  if (full && full.loaded.data === undefined) return result(full.diagnostics.map((d) => ({ ...d, file: d.file ?? input.file })));
  const data = fast ?? (full!.loaded.data as Record<string, unknown>);
  const inSpec = relocator(input.text, input.file, full?.loaded);

  const version = findSpecVersion(data.apiVersion);
  if (!version) {
    const given = data.apiVersion === undefined ? 'missing' : JSON.stringify(data.apiVersion);
    const d: Unlocated = {
      severity: 'error',
      code: 'SPEC_UNKNOWN_VERSION',
      message: `apiVersion is ${given}; supported versions: ${supportedApiVersions.join(', ')}`,
      pointer: data.apiVersion === undefined ? '' : '/apiVersion',
    };
    return result(inSpec([d]));
  }
  if (data.kind !== 'OnboardingSpec') {
    const d: Unlocated = { severity: 'error', code: 'SPEC_UNKNOWN_KIND', message: `kind is ${data.kind === undefined ? 'missing' : JSON.stringify(data.kind)}; it must be OnboardingSpec`, pointer: data.kind === undefined ? '' : '/kind' };
    return result(inSpec([d]));
  }

  const schemaErrors = version.checkSchema(data);
  const schemaDiags = schemaErrorsToDiagnostics(schemaErrors, data);
  if (schemaDiags.length > 0) {
    // Report everything in one pass: the rules run on the parts the schema accepted.
    const partial = version.checkRulesPartially(data, schemaErrors);
    const r = result(inSpec([...schemaDiags, ...partial.diagnostics]));
    return partial.skipped.length > 0 ? { ...r, skippedRules: partial.skipped } : r;
  }

  const normalized = version.normalize(data);
  const ruleDiags = version.checkRules(normalized).diagnostics;

  // The lock file is its own YAML document, with its own positions.
  let lockDiags: Diagnostic[] = [];
  let lock;
  let lockLoaded: LoadedYaml | undefined;
  if (input.lockText !== undefined && !input.ignoreLock) {
    sources.set(input.lockFile, input.lockText);
    const l = loadYaml(input.lockText, input.lockFile, { allStrings: true });
    lockLoaded = l.loaded;
    if (l.loaded.data === undefined) lockDiags = l.diagnostics.map((d) => ({ ...d, file: input.lockFile }));
    else {
      const checked = checkLock(l.loaded);
      lock = checked.lock;
      lockDiags = locateAll(checked.diagnostics, l.loaded, input.lockFile);
    }
  }
  if (isFatal(ruleDiags) || isFatal(lockDiags)) {
    return result([...inSpec(ruleDiags), ...lockDiags]);
  }
  const { model, diagnostics: resolveDiags } = version.toModel(normalized, {
    files: input.files,
    ...(lock ? { lock } : {}),
    lockFile: input.lockFile,
    ...(input.ignoreLock ? { ignoreLock: true } : {}),
    sourceName: input.file.replace(/^.*[\\/]/, ''),
  });
  // Diagnostics about the lock carry `file`; the rest are located in the spec.
  const inLock = resolveDiags.filter((d) => d.file === input.lockFile);
  const specDiags = resolveDiags.filter((d) => d.file !== input.lockFile);
  const lockLocated = lockLoaded ? locateAll(inLock, lockLoaded, input.lockFile) : inLock;
  return result([...inSpec(ruleDiags), ...lockDiags, ...inSpec(specDiags), ...lockLocated], model);
}
