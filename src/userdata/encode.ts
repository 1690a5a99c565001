/**
 * Turns a VM's first-boot payload into the user data one platform accepts: optionally wrapped
 * as a MIME part, encoded (raw, gzip, base64, gzip+base64) and checked against the platform's
 * byte budget before anything is printed or sent. Without an explicit encoding it gzips only
 * when the payload does not fit and the platform's consumer can decompress it.
 */
import type { Delivery, PlatformKind } from '../model/model.js';
import { gunzipSync } from 'node:zlib';
import { gzipDeterministic } from '../bundle/gzip.js';
import { budgetFor, formatBytes, type UserDataBudget } from './budget.js';
import { wrapMimePart } from './mime.js';

/** Encodings of `vmonboard userdata --encoding`. */
export const USERDATA_ENCODINGS = ['raw', 'gzip', 'base64', 'gzip+base64'] as const;
/** One user-data encoding. */
export type UserDataEncoding = (typeof USERDATA_ENCODINGS)[number];

/** What to encode, and for which platform. */
export interface UserDataRequest {
  payload: Uint8Array;
  /** The payload's bundle file name (MIME filename, messages). */
  payloadName: string;
  /** Who it is for, for messages ("ratings on aws-prod"). */
  target: string;
  kind: PlatformKind;
  delivery: Delivery;
  /** Explicit encoding; omitted means raw, or gzip when needed and allowed. */
  encoding?: UserDataEncoding;
  mime?: boolean;
}

/** The encoded user data and how it was measured. */
export interface EncodedUserData {
  bytes: Buffer;
  encoding: UserDataEncoding;
  /** True when gzip was chosen automatically. */
  automatic: boolean;
  /** The bytes the platform counts against its budget. */
  counted: number;
  budget?: UserDataBudget;
  /** Things the user must do for the output to work (for stderr). */
  notes: string[];
}

/** A request that cannot work: over budget, or an encoding the platform cannot consume. */
export class UserDataError extends Error {
  constructor(
    message: string,
    /** 'too-large' is a finding about the spec; 'unsupported' is a command-line mistake. */
    readonly reason: 'too-large' | 'unsupported',
  ) {
    super(message);
  }
}

/** Applies one encoding to bytes. */
export function applyEncoding(data: Buffer, encoding: UserDataEncoding): Buffer {
  const gz = encoding === 'gzip' || encoding === 'gzip+base64' ? gzipDeterministic(data) : data;
  return encoding === 'base64' || encoding === 'gzip+base64' ? Buffer.from(gz.toString('base64'), 'latin1') : gz;
}

/** Undoes an encoding: the raw bytes of a payload stored compressed (user-data.yaml.gz, .gz.b64). */
export function removeEncoding(data: Buffer, encoding: UserDataEncoding): Buffer {
  const decoded = encoding === 'base64' || encoding === 'gzip+base64' ? Buffer.from(data.toString('latin1'), 'base64') : data;
  return encoding === 'gzip' || encoding === 'gzip+base64' ? gunzipSync(decoded) : decoded;
}

/** The size a budget counts: base64 is the API's transport for 'decoded' budgets, so it is not counted there. */
function countedSize(out: Buffer, encoding: UserDataEncoding, budget: UserDataBudget | undefined): number {
  if (budget?.counts !== 'decoded' || (encoding !== 'base64' && encoding !== 'gzip+base64')) return out.length;
  return Buffer.from(out.toString('latin1'), 'base64').length;
}

/**
 * Rejects encodings the platform's consumer cannot use, with one answer per delivery (issue 16):
 * - GCE startup-script: the guest agent runs the metadata value as is. It never decompresses or
 *   base64-decodes it, and `user-data-encoding` is read by cloud-init for the `user-data` key only
 *   (DataSourceGCE), so raw is the only encoding that runs.
 * - GCE cloud-init (`user-data`): a metadata value is text, so gzip needs base64 on top and
 *   `user-data-encoding: base64` beside it (raw, base64 and gzip+base64 work).
 * - EC2 and Azure take bytes (their APIs base64 them), so every encoding works.
 */
function checkSupported(req: UserDataRequest): void {
  if (req.mime && req.delivery === 'startup-script') {
    throw new UserDataError(`--mime cannot be used for ${req.target}: the GCE guest agent runs startup-script as a script and does not parse MIME`, 'unsupported');
  }
  if (req.delivery === 'startup-script' && req.encoding !== undefined && req.encoding !== 'raw') {
    throw new UserDataError(
      `--encoding ${req.encoding} cannot be used for ${req.target}: the GCE guest agent runs the startup-script metadata value as is, without decompressing or decoding it ` +
        '(user-data-encoding applies to cloud-init\'s user-data key only); use --encoding raw, the default',
      'unsupported',
    );
  }
  if (req.kind === 'gcp' && req.encoding === 'gzip') {
    throw new UserDataError(`--encoding gzip cannot be used for ${req.target}: GCE metadata values are text, so raw gzip bytes would be corrupted; use --encoding gzip+base64 and set the metadata key user-data-encoding to base64 beside user-data`, 'unsupported');
  }
}

/**
 * Encodes the payload for the platform. Throws UserDataError when the encoding cannot work on
 * the platform ('unsupported') or the result exceeds the budget ('too-large', with the sizes and
 * what to do).
 */
export function encodeUserData(req: UserDataRequest): EncodedUserData {
  const budget = budgetFor(req.kind, req.delivery);
  checkSupported(req);
  const body = req.mime ? wrapMimePart(req.payload, req.payloadName) : Buffer.from(req.payload);
  const notes: string[] = [];
  const measure = (encoding: UserDataEncoding, automatic: boolean): EncodedUserData => {
    const bytes = applyEncoding(body, encoding);
    return { bytes, encoding, automatic, counted: countedSize(bytes, encoding, budget), ...(budget ? { budget } : {}), notes };
  };
  const fits = (r: EncodedUserData): boolean => !budget || r.counted <= budget.limit;
  const gcpBase64Note = 'set the instance metadata key user-data-encoding to base64 beside user-data, or cloud-init reads the value as plain text (cloud-init DataSourceGCE)';

  if (req.encoding) {
    const r = measure(req.encoding, false);
    if (req.kind === 'gcp' && req.delivery === 'cloud-init' && req.encoding !== 'raw') notes.push(gcpBase64Note);
    if (!fits(r)) throw tooLarge(req, budget!, [`${formatBytes(r.counted)} with --encoding ${req.encoding}`]);
    return r;
  }
  const raw = measure('raw', false);
  if (fits(raw)) return raw;
  if (budget!.gzip === 'no') {
    throw tooLarge(req, budget!, [`${formatBytes(raw.counted)}`], 'it cannot be compressed, because the guest agent runs startup-script as is');
  }
  const auto = measure(budget!.gzip === 'with-base64' ? 'gzip+base64' : 'gzip', true);
  if (!fits(auto)) throw tooLarge(req, budget!, [`${formatBytes(raw.counted)} raw`, `${formatBytes(auto.counted)} ${auto.encoding === 'gzip' ? 'gzipped' : 'as gzip+base64'}`]);
  notes.push(`${formatBytes(raw.counted)} raw is over the ${formatBytes(budget!.limit)} limit of ${budget!.field}, so the output is ${auto.encoding} (${formatBytes(auto.counted)}); cloud-init decompresses it`);
  if (auto.encoding === 'gzip+base64') notes.push(gcpBase64Note);
  return auto;
}

/** The over-budget error: the sizes tried, the limit, and what to do about it. */
function tooLarge(req: UserDataRequest, budget: UserDataBudget, sizes: string[], why?: string): UserDataError {
  const canGzip = budget.gzip !== 'no' && req.encoding !== undefined && !req.encoding.startsWith('gzip');
  const advice = canGzip ? 'Drop --encoding so it is gzipped when needed, or make' : 'Make';
  return new UserDataError(
    `user data for ${req.target} (${req.payloadName}) is ${sizes.join(' and ')}; ${budget.field} allows at most ${formatBytes(budget.limit)}` +
      `${why ? `, and ${why}` : ''}. ${advice} the payload smaller: reference trust material by URL instead of embedding files, ` +
      'or set bake: true on the platform so the packages are installed in the image and the first-boot payload only configures.',
    'too-large',
  );
}
