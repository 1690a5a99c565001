/**
 * The shape every translator has. It lives in the translator contract (src/translate/), below every
 * translator and below the registry (src/translators.ts) that lists them, so a translator names its
 * own type without importing the registry that imports it back.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import type { BundleBuilder } from '../bundle/bundle.js';
import type { BuildCache } from './build-cache.js';

/** A finding a translator returns; `atKey` points it at the spec key rather than its value. */
export type TranslatorFinding = Diagnostic & { atKey?: boolean };

/** A pure translator; `cache` is the build's memo (one build, one cache), absent when run alone. */
export type Translator = (model: Model, out: BundleBuilder, cache?: BuildCache) => TranslatorFinding[];
