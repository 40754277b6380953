/**
 * Which service namespace(s) a policy file is for: from its path first, then from its content.
 * Only Neutron shares one policy file among namespaces (its plugins register into Neutron's
 * enforcer); every other service reads its own file, so a file gets one namespace otherwise.
 */
export interface Detection {
  readonly namespaces: readonly string[];
  readonly by: 'setting' | 'path' | 'content' | 'none';
  /** A sentence for hover and the status bar. */
  readonly reason: string;
}

/** Service folder or file prefix → namespace. */
const SERVICE_NAMESPACES: Readonly<Record<string, string>> = {
  nova: 'nova',
  glance: 'glance',
  cinder: 'cinder',
  keystone: 'keystone',
  neutron: 'neutron',
  manila: 'manila',
  ironic: 'ironic.api',
  'ironic-inspector': 'ironic_inspector.api',
  ironic_inspector: 'ironic_inspector.api',
  placement: 'placement',
  octavia: 'octavia',
  heat: 'heat',
  barbican: 'barbican',
  designate: 'designate',
  aodh: 'aodh',
  magnum: 'magnum',
  trove: 'trove',
  masakari: 'masakari',
  watcher: 'watcher',
  zaqar: 'zaqar',
  cloudkitty: 'cloudkitty',
  mistral: 'mistral',
  murano: 'murano',
  sahara: 'sahara',
  senlin: 'senlin',
  vitrage: 'vitrage',
  cyborg: 'cyborg',
  blazar: 'blazar',
  zun: 'zun',
};

/** Namespaces that load into Neutron's enforcer with it. */
const NEUTRON_FAMILY = [
  'neutron',
  'neutron_lib',
  'neutron-dynamic-routing',
  'neutron-vpnaas',
  'neutron-fwaas',
  'networking-bgpvpn',
  'networking-sfc',
  'tap-as-a-service',
];

/** Prefixes of policy names that name their service. */
const NAME_PREFIXES: readonly [RegExp, string][] = [
  [/^os_compute_api:/, 'nova'],
  [/^compute:/, 'nova'],
  [/^baremetal:/, 'ironic.api'],
  [/^introspection/, 'ironic_inspector.api'],
  [/^share(_\w+)?:|^share:/, 'manila'],
  [/^identity:/, 'keystone'],
  [/^volume(_extension)?:|^volume:/, 'cinder'],
  [/^placement:/, 'placement'],
  [/^os_load-balancer_api:/, 'octavia'],
  [/^secret(s)?:|^container(s)?:|^orders?:/, 'barbican'],
];

export interface DetectInput {
  /** A path or URI; only its segments matter. */
  readonly path: string;
  readonly ruleNames: readonly string[];
  /** Every namespace the chosen release (and custom catalogs) knows, with its rule names. */
  readonly known: ReadonlyMap<string, ReadonlySet<string>>;
}

export function withFamily(namespace: string, known: ReadonlyMap<string, unknown>): string[] {
  if (namespace !== 'neutron') return [namespace];
  return NEUTRON_FAMILY.filter((name) => name === 'neutron' || known.has(name));
}

export function detectNamespaces(input: DetectInput): Detection {
  const fromPath = namespaceFromPath(input.path, input.known);
  if (fromPath) {
    return { namespaces: withFamily(fromPath, input.known), by: 'path', reason: `from the path (${fromPath})` };
  }
  const fromContent = namespaceFromContent(input.ruleNames, input.known);
  if (fromContent) {
    return {
      namespaces: withFamily(fromContent, input.known),
      by: 'content',
      reason: `from the policy names in the file (${fromContent})`,
    };
  }
  return { namespaces: [], by: 'none', reason: 'no service recognised from the path or the content' };
}

function namespaceFromPath(path: string, known: ReadonlyMap<string, unknown>): string | null {
  const segments = decodeURIComponent(path)
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment.length > 0);
  const file = segments[segments.length - 1] ?? '';
  // `glance-policy.yaml`, `nova_policy.json`, `keystone.policy.yaml.sample`
  const prefix = /^([a-z][a-z_-]*?)[-_.]policy\.(ya?ml|json)(\.sample)?$/i.exec(file)?.[1]?.toLowerCase();
  if (prefix && SERVICE_NAMESPACES[prefix]) return SERVICE_NAMESPACES[prefix];
  if (prefix && known.has(prefix)) return prefix;
  // `/etc/nova/policy.yaml`, `nova/policy.d/x.yaml`: the nearest folder naming a service.
  for (let index = segments.length - 2; index >= 0; index--) {
    const folder = segments[index].toLowerCase();
    if (SERVICE_NAMESPACES[folder]) return SERVICE_NAMESPACES[folder];
    if (known.has(folder) && folder !== 'policy.d') return folder;
    if (index < segments.length - 4) break;
  }
  return null;
}

/**
 * One pattern for all prefixes, each in its own group: one test per name instead of one per
 * prefix, for files of thousands of names.
 */
const NAME_PREFIX_PATTERN = new RegExp(NAME_PREFIXES.map(([pattern]) => `(${pattern.source})`).join('|'));
/** The group of each prefix in that pattern (prefixes have groups of their own). */
const PREFIX_GROUPS: readonly number[] = (() => {
  const groups: number[] = [];
  let next = 1;
  for (const [pattern] of NAME_PREFIXES) {
    groups.push(next);
    next += 1 + (new RegExp(`${pattern.source}|`).exec('')!.length - 1);
  }
  return groups;
})();

/** Rule name → the namespaces registering it, per `known` map (the caller keeps one per release). */
const owners = new WeakMap<ReadonlyMap<string, ReadonlySet<string>>, Map<string, string[]>>();

function ownersOf(known: ReadonlyMap<string, ReadonlySet<string>>): Map<string, string[]> {
  let found = owners.get(known);
  if (!found) {
    found = new Map();
    for (const [namespace, rules] of known) {
      for (const rule of rules) {
        const list = found.get(rule);
        if (list) list.push(namespace);
        else found.set(rule, [namespace]);
      }
    }
    owners.set(known, found);
  }
  return found;
}

function namespaceFromContent(names: readonly string[], known: ReadonlyMap<string, ReadonlySet<string>>): string | null {
  if (names.length === 0) return null;
  const score = new Map<string, number>();
  const index = ownersOf(known);
  for (const name of names) {
    const namespaces = index.get(name);
    if (namespaces) for (const namespace of namespaces) score.set(namespace, (score.get(namespace) ?? 0) + 1);
    const match = NAME_PREFIX_PATTERN.exec(name);
    if (match) {
      // The prefixes exclude each other (distinct literal starts): one of them matched.
      const namespace = NAME_PREFIXES[PREFIX_GROUPS.findIndex((group) => match[group] !== undefined)][1];
      score.set(namespace, (score.get(namespace) ?? 0) + 0.5);
    }
  }
  // Generic names (`admin_required`, `default`) count for several services; the best must lead.
  const ranked = [...score].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) return null;
  const [best, second] = ranked;
  if (second && second[1] >= best[1]) return null;
  return best[0];
}
