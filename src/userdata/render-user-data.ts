/**
 * File-level API behind `vmonboard userdata` and `vmonboard aws launch-template`: render the spec,
 * pick the VM's payload, encode it for its platform. The platform's delivery decides which
 * bundle file is the payload (layout.ts PAYLOAD_FILE), so these commands always send exactly
 * what `render` writes. An over-budget payload is a located finding (USERDATA_TOO_LARGE at the
 * platform in the spec), like any other render failure.
 */
import { renderSpecFile } from '../api.js';
import type { Bundle } from '../bundle/bundle.js';
import { PAYLOAD_FILE, vmDir } from '../delivery/layout.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Model, PlatformModel, WorkloadModel } from '../model/model.js';
import { findWorkload, WorkloadLookupError } from '../model/find-workload.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { ReadSpecOptions } from '../spec/read-spec.js';
import type { ValidationResult } from '../spec/validate-spec.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { encodeUserData, UserDataError, type EncodedUserData, type UserDataEncoding } from './encode.js';

/**
 * A workload or platform name that does not fit the spec (a command-line mistake). `code` is set
 * when the mistake has a catalog code (WORKLOAD_AMBIGUOUS: a plain name two namespaces have).
 */
export class PayloadLookupError extends Error {
  constructor(
    message: string,
    readonly code?: DiagnosticCode,
  ) {
    super(message);
  }
}

/** The payload found, with its platform. */
export interface VmPayload {
  /** Bundle path of the payload file. */
  path: string;
  /** File name (user-data.yaml, startup-script.sh, install.sh). */
  fileName: string;
  content: Buffer;
  platform: PlatformModel;
  /** JSON pointer of the placement (`/workloads/i/platforms/j`): where its budget findings point. */
  placementPointer: string;
  /** The workload the argument named. */
  workload: WorkloadModel;
}

/**
 * Returns the payload of `workload` (`<namespace>/<name>`, or a plain name one namespace has) on
 * `platform`. Throws PayloadLookupError naming the valid
 * choices when the workload, the platform or the placement does not exist, and a plain Error
 * when the bundle lacks the file (a translator bug).
 */
export function findVmPayload(model: Model, bundle: Bundle, workload: string, platform: string): VmPayload {
  let w: WorkloadModel;
  try {
    w = findWorkload(model.workloads, workload);
  } catch (err) {
    if (err instanceof WorkloadLookupError) throw new PayloadLookupError(err.message, err.code);
    throw err;
  }
  const mean = (given: string, names: string[]): string => {
    const hint = didYouMean(given, names);
    return hint ? ` (${hint})` : '';
  };
  const p = model.platforms.find((x) => x.name === platform);
  const platformNames = model.platforms.map((x) => x.name);
  if (!p) throw new PayloadLookupError(`the spec has no platform ${JSON.stringify(platform)}${mean(platform, platformNames)}; platforms: ${platformNames.join(', ')}`);
  const placement = w.placements.find((pl) => pl.platform === platform);
  if (!placement) {
    throw new PayloadLookupError(`workload ${workload} does not run on platform ${platform}; it runs on: ${w.placements.map((pl) => pl.platform).join(', ')}`);
  }
  const fileName = PAYLOAD_FILE[p.delivery];
  const path = `${vmDir(w, platform)}/${fileName}`;
  const f = bundle.get(path);
  if (!f) throw new Error(`the rendered bundle has no ${path} for delivery ${p.delivery}`);
  return { path, fileName, content: Buffer.from(f.content), platform: p, placementPointer: placement.pointer, workload: w };
}

/** Which VM, and how to encode its user data. */
export interface UserDataOptions extends ReadSpecOptions {
  workload: string;
  platform: string;
  encoding?: UserDataEncoding;
  mime?: boolean;
}

/** Findings about a payload's size, which name one VM each. */
const BUDGET_CODES = new Set(['PAYLOAD_GZIP_REQUIRED', 'USERDATA_TOO_LARGE']);

/** The findings, and the user data when the spec renders and the payload fits. */
export interface UserDataResult extends Pick<ValidationResult, 'diagnostics' | 'sources'> {
  /** Locates findings the command makes about this spec (present once the spec validated). */
  locate?: ValidationResult['locate'];
  payload?: VmPayload;
  userData?: EncodedUserData;
}

/**
 * Renders the spec and returns one VM's encoded user data. Throws PayloadLookupError for an
 * unknown workload/platform/placement and UserDataError('unsupported') for an encoding the
 * platform cannot consume (both command-line mistakes); reports an over-budget payload as a
 * USERDATA_TOO_LARGE error.
 */
export async function renderUserData(specPath: string, opts: UserDataOptions): Promise<UserDataResult> {
  const { workload, platform, encoding, mime, ...readOpts } = opts;
  const r = await renderSpecFile(specPath, readOpts);
  if (!r.bundle || !r.model) return { diagnostics: r.diagnostics, sources: r.sources };
  const payload = findVmPayload(r.model, r.bundle, workload, platform);
  try {
    const userData = encodeUserData({
      payload: payload.content,
      payloadName: payload.fileName,
      target: `${workload} on ${platform}`,
      kind: payload.platform.kind,
      delivery: payload.platform.delivery,
      ...(encoding ? { encoding } : {}),
      ...(mime ? { mime } : {}),
    });
    // The renderer's note that the payload needs gzip is answered by doing it; our own note says so.
    // Budget findings of other VMs are not this command's business (issue 15 §11): only this
    // VM's payload is printed, so only its size is reported.
    const thisVm = r.diagnostics.filter((d) => !BUDGET_CODES.has(d.code) || d.pointer === payload.placementPointer);
    const diagnostics = userData.automatic ? thisVm.filter((d) => d.code !== 'PAYLOAD_GZIP_REQUIRED') : thisVm;
    return { diagnostics, sources: r.sources, locate: r.locate, payload, userData };
  } catch (err) {
    if (!(err instanceof UserDataError) || err.reason !== 'too-large') throw err;
    const d: Diagnostic & { atKey?: boolean } = { severity: 'error', code: 'USERDATA_TOO_LARGE', message: err.message, pointer: `${payload.platform.pointer}/delivery`, atKey: true };
    const thisVm = r.diagnostics.filter((x) => !BUDGET_CODES.has(x.code) || x.pointer === payload.placementPointer);
    return { diagnostics: sortDiagnostics([...thisVm, ...r.locate([d])]), sources: r.sources, payload };
  }
}
