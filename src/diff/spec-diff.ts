/**
 * The diff report: identity-level changes, the VMs whose payload changes, and whether anything
 * identity-relevant changed (the exit code of `vmonboard diff`). Payload changes alone (a resource
 * attribute, a probe) re-converge VMs but change no identity, so they do not count.
 */
import type { Model } from '../model/model.js';
import { diffModels, type Change } from './identity-diff.js';
import { diffPayloads, type PayloadChanges } from './payload-diff.js';

/** apiVersion of the diff JSON (schemas/diff-v1/diff.schema.json). */
export const DIFF_API_VERSION = 'vmonboard.diff/v1';

/** The whole report. */
export interface SpecDiff {
  apiVersion: typeof DIFF_API_VERSION;
  old: string;
  new: string;
  identityRelevant: boolean;
  changes: Change[];
  payloads: PayloadChanges;
}

/** Compares two validated specs. `oldLabel`/`newLabel` name them in the report (paths or rev:path). */
export function diffSpecs(oldM: Model, newM: Model, labels: { old: string; new: string }): SpecDiff {
  const changes = diffModels(oldM, newM);
  return { apiVersion: DIFF_API_VERSION, old: labels.old, new: labels.new, identityRelevant: changes.length > 0, changes, payloads: diffPayloads(oldM, newM) };
}
