/**
 * The interface a spec version implements. Its own module because the registry (registry.ts) lists
 * the versions and each version (v1alpha1/index.ts) implements it: kept in the registry, it made the
 * registry and its versions import each other.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import type { SchemaError } from './schema-errors.js';
import type { ResolveInputs } from './v1alpha1/to-model.js';

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
