/**
 * Spec versions by apiVersion (butane's variant+version registry). A new version registers a
 * handler that converts into the same Model; translators never see spec versions.
 */
import type { SpecVersion } from './spec-version.js';
import { v1alpha1 } from './v1alpha1/index.js';

/** What each spec version provides (spec-version.ts); re-exported for the registry's callers. */
export type { SpecVersion };

const versions: readonly SpecVersion[] = [v1alpha1];

/** The apiVersions this release supports. */
export const supportedApiVersions: readonly string[] = versions.map((v) => v.apiVersion);

/** Returns the handler for an apiVersion, or undefined. */
export function findSpecVersion(apiVersion: unknown): SpecVersion | undefined {
  return versions.find((v) => v.apiVersion === apiVersion);
}
