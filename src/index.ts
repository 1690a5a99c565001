/**
 * The vmonboard library API. It never imports commander and never exits the process: every
 * function returns diagnostics or data. See README.md "Library".
 */
export type { Diagnostic, Severity } from './diagnostics/diagnostic.js';
export { isFatal, sortDiagnostics } from './diagnostics/diagnostic.js';
export type { DiagnosticCode } from './diagnostics/codes.js';
export { diagnosticCatalog } from './diagnostics/codes.js';
export { formatReportText, formatReportJson } from './diagnostics/printer.js';
export type { Model } from './model/model.js';
export { validateSpec, type SpecInput, type ValidationResult } from './spec/validate-spec.js';
export { readSpecInput, type ReadSpecOptions } from './spec/read-spec.js';
export { filesDirSource, memoryFileSource, type FileSource } from './spec/files.js';
export { lockPathFor } from './spec/lock.js';
export { supportedApiVersions } from './spec/registry.js';
export { validateSpecFile } from './api.js';
export { VERSION } from './version.js';
