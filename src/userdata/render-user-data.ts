/**
 * File-level API behind `vmonboard userdata` and `vmonboard aws launch-template`: render the spec,
 * pick the VM's payload, encode it for its platform. The platform's delivery decides which
 * bundle file is the payload (src/bundle/layout.ts), raw or stored compressed by render, and both commands
 * fit it with the same code (encodeUserData, as src/delivery/fit-payload.ts does), so without
 * --encoding they send exactly the bytes `render` writes. An over-budget payload is a located
 * finding (USERDATA_TOO_LARGE at the VM's placement in the spec), as in render; other VMs'
 * payload sizes are not reported (issue 15 §11).
 */
import { renderSpecFile } from '../api.js';
import type { Bundle } from '../bundle/bundle.js';
import { locatePayload, PAYLOAD_FILE } from '../bundle/layout.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Model, PlatformModel, WorkloadModel } from '../model/model.js';
import { findWorkload, WorkloadLookupError } from '../model/find-workload.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { ReadSpecOptions } from '../spec/read-spec.js';
import type { ValidationResult } from '../spec/validate-spec.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { encodeUserData, removeEncoding, UserDataError, type EncodedUserData, type UserDataEncoding } from './encode.js';

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
  /** File name of the raw payload (user-data.yaml, startup-script.sh, install.sh). */
  fileName: string;
  /** The raw payload: a compressed bundle file is decompressed here. */
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
  const found = locatePayload((path) => bundle.has(path), w, platform, p.delivery);
  if (!found) throw new Error(`the rendered bundle has no payload for ${w.namespace}/${w.name} on ${platform} (delivery ${p.delivery})`);
  const content = removeEncoding(Buffer.from(bundle.get(found.path)!.content), found.encoding);
  return { path: found.path, fileName: PAYLOAD_FILE[p.delivery], content, platform: p, placementPointer: placement.pointer, workload: w };
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
 * USERDATA_TOO_LARGE error at the VM's placement.
 */
export async function renderUserData(specPath: string, opts: UserDataOptions): Promise<UserDataResult> {
  const { workload, platform, encoding, mime, ...readOpts } = opts;
  // keepBundle: another VM's oversize payload makes render fail, but not this command.
  const r = await renderSpecFile(specPath, { ...readOpts, keepBundle: true });
  if (!r.bundle || !r.model) return { diagnostics: r.diagnostics, sources: r.sources };
  const payload = findVmPayload(r.model, r.bundle, workload, platform);
  // Render's size findings each name one VM; this VM's payload is fitted again below with the
  // same code (and the encoding asked for), so none of them is this command's business.
  const others = r.diagnostics.filter((d) => !BUDGET_CODES.has(d.code));
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
    return { diagnostics: others, sources: r.sources, locate: r.locate, payload, userData };
  } catch (err) {
    if (!(err instanceof UserDataError) || err.reason !== 'too-large') throw err;
    const d: Diagnostic = { severity: 'error', code: 'USERDATA_TOO_LARGE', message: err.message, pointer: payload.placementPointer };
    return { diagnostics: sortDiagnostics([...others, ...r.locate([d])]), sources: r.sources, locate: r.locate, payload };
  }
}
