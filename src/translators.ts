/**
 * The translators that turn a Model into bundle files, in order. Each one is pure: it reads the
 * model, adds files to the builder and returns diagnostics (for example cross-artifact
 * consistency findings). Adding an output means adding one entry here.
 */
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Model } from './model/model.js';
import type { BundleBuilder } from './bundle/bundle.js';

/** A pure translator. */
export type Translator = (model: Model, out: BundleBuilder) => Array<Diagnostic & { atKey?: boolean }>;

/** Registered translators (cluster side, VM agent configs, payloads, bundle README/manifest). */
export const translators: Array<{ name: string; run: Translator }> = [];
