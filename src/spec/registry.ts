/**
 * Spec versions by apiVersion (butane's variant+version registry). A new version registers a
 * handler that converts into the same Model; translators never see spec versions.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import type { SchemaError } from './schema-errors.js';
import type { ResolveInputs } from './v1alpha1/to-model.js';
import { v1alpha1 } from './v1alpha1/index.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** What each spec version provides to the validation pipeline. */
export interface SpecVersion {
  apiVersion: string;
  checkSchema(data: unknown): SchemaError[];
  normalize(data: unknown): unknown;
  /** Runs every rule on a schema-valid, normalized spec. */
  checkRules(normalized: unknown): { diagnostics: Unlocated[]; skipped: string[] };
  /**
   * Runs the rules on a spec that failed the schema: those whose inputs are well-formed report,
   * the others are returned as skipped (issue 16).
   */
  checkRulesPartially(data: unknown, errors: readonly SchemaError[]): { diagnostics: Unlocated[]; skipped: string[] };
  toModel(normalized: unknown, inputs: ResolveInputs): { model: Model; diagnostics: Unlocated[] };
}

const versions: readonly SpecVersion[] = [v1alpha1];

/** The apiVersions this release supports. */
export const supportedApiVersions: readonly string[] = versions.map((v) => v.apiVersion);

/** Returns the handler for an apiVersion, or undefined. */
export function findSpecVersion(apiVersion: unknown): SpecVersion | undefined {
  return versions.find((v) => v.apiVersion === apiVersion);
}
