/**
 * The names the client and the server must agree on: command ids, the settings section and its
 * keys, custom LSP methods and the scheme of the read-only defaults documents. Both sides import
 * them from here so that a rename cannot leave one side behind. No runtime dependencies: the
 * client bundle pulls in this file only.
 */

/** The languages of policy files (YAML, and the deprecated JSON format). */
export const LANGUAGE_IDS = ['openstack-policy', 'openstack-policy-json'] as const;

/** Command ids, as contributed in package.json. */
export const COMMANDS = {
  simulate: 'osPolicy.simulate',
  /** Run by the verdict code lens: all personas, target left open. Served by the server too. */
  simulateAt: 'osPolicy.simulateAt',
  showMatrix: 'osPolicy.showMatrix',
  exportMatrix: 'osPolicy.exportMatrix',
  convertToYaml: 'osPolicy.convertToYaml',
  upgradeNames: 'osPolicy.upgradeNames',
  removeRedundant: 'osPolicy.removeRedundant',
  showDefaults: 'osPolicy.showDefaults',
  selectService: 'osPolicy.selectService',
} as const;

/** The settings section; keys below are relative to it (`osPolicy.<key>`). */
export const SETTINGS_SECTION = 'osPolicy';

export const SETTINGS = {
  service: 'service',
  release: 'release',
  enforceNewDefaults: 'enforceNewDefaults',
  enforceScope: 'enforceScope',
  defaultRule: 'defaultRule',
  personas: 'personas',
  impliedRoles: 'impliedRoles',
  catalogPaths: 'catalogPaths',
  diagnosticsSeverity: 'diagnostics.severity',
  traceServer: 'trace.server',
} as const;

/** Custom requests, client to server. */
export const REQUESTS = {
  /** `SimulateParams` → `SimulateResult | null`. */
  simulate: 'osPolicy/simulate',
  /** `{ uri, format?, personas? }` → `MatrixResult | null`. */
  matrix: 'osPolicy/matrix',
  /** `{ uri }` of a defaults document → its text. */
  defaultsDocument: 'osPolicy/defaultsDocument',
  /** `{ uri }` of a policy file → `DocumentInfo | null` (detected service, release, mode). */
  documentInfo: 'osPolicy/documentInfo',
} as const;

/** `os-policy-defaults:/<namespace>/<release>/policy.yaml.sample`: registered defaults, read-only. */
export const DEFAULTS_SCHEME = 'os-policy-defaults';

export function defaultsUri(namespace: string, release: string): string {
  return `${DEFAULTS_SCHEME}:/${encodeURIComponent(namespace)}/${encodeURIComponent(release)}/policy.yaml.sample`;
}

/** The default persona ids (issue: simulation), in the order pickers show them. */
export const DEFAULT_PERSONA_IDS = [
  'project_reader',
  'project_member',
  'project_admin',
  'system_reader',
  'system_admin',
  'domain_manager',
  'service',
  'anonymous',
] as const;
