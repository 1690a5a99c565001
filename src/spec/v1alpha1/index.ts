/** Spec version v1alpha1: schema, normalize, rules and conversion to the model. */
import { validate as validateSchema } from '../generated/onboarding-v1alpha1.gen.js';
import type { SchemaError } from '../schema-errors.js';
import type { SpecVersion } from '../spec-version.js';
import type { WrittenSpec } from './types.gen.js';
import { DERIVED_DEFAULTS, normalizeSpec, normalizeSpecPartially } from './defaults.js';
import { collectSchemaFailures } from '../schema-failures.js';
import { runRules } from './rules/rule.js';
import { v1alpha1Rules } from './rules/index.js';
import { toModel } from './to-model.js';

/** The v1alpha1 handler registered in the version registry. */
export const v1alpha1: SpecVersion = {
  apiVersion: 'vmonboard/v1alpha1',
  checkSchema(data) {
    const ok = validateSchema(data) as boolean;
    return ok ? [] : (((validateSchema as unknown as { errors?: SchemaError[] }).errors ?? []) as SchemaError[]);
  },
  normalize: (data) => normalizeSpec(data as WrittenSpec),
  checkRules: (normalized) => runRules(v1alpha1Rules, normalized as WrittenSpec),
  checkRulesPartially(data, errors) {
    return runRules(v1alpha1Rules, normalizeSpecPartially(data), collectSchemaFailures(errors, DERIVED_DEFAULTS));
  },
  toModel: (normalized, inputs) => toModel(normalized as WrittenSpec, inputs),
};
