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
// Bundles for Git and pipelines: render output, drift check, archives, user data, EC2, pins.
export { renderSpecFile, type RenderResult, type RenderOptions } from './api.js';
export type { Bundle, BundleFile, FileMode } from './bundle/bundle.js';
export { MANIFEST_FILE, parseManifest, type Manifest } from './bundle/manifest.js';
export { writeBundleToDir, NotABundleError, type WriteDirOptions, type WriteDirResult } from './bundle/write-dir.js';
export { recoverBundleDir } from './bundle/recover.js';
export { compareBundleWithDir, formatDrift, isUpToDate, type BundleDrift } from './bundle/check.js';
export { buildBundleArchive, archiveFormatFor, type ArchiveFormat } from './bundle/archive.js';
export { encodeUserData, UserDataError, USERDATA_ENCODINGS, type UserDataEncoding, type EncodedUserData } from './userdata/encode.js';
export { renderUserData, type UserDataOptions, type UserDataResult } from './userdata/render-user-data.js';
export { createEc2Client, createUserDataVersion, type LaunchTemplateVersionRequest, type LaunchTemplateVersionResult } from './cloud/aws/launch-template.js';
export { Ec2Error } from './cloud/aws/errors.js';
export { pinSpecFile, formatLock, type PinOptions, type PinResult } from './pin/pin.js';

// The mesh CA (issue 13): make one root with istiod and SPIRE intermediates, or check your own.
export { initCaDir, buildCaMaterial, type CaMaterial } from './ca/init-ca.js';
export { checkCaDir, EXPIRY_WARNING_DAYS, type CaCheckResult } from './ca/check-ca.js';
export { CA_FILES } from './ca/ca-layout.js';
export { CaWriteError } from './ca/write-ca-files.js';
export { DEFAULT_CA_SETTINGS, KEY_TYPES, type CaInitSettings, type KeyType, type KeyUsageName } from './ca/profiles.js';
