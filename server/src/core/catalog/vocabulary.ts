import { parseRegisteredRule } from '../check/checkParser';
import type { CheckNode } from '../check/checkTypes';
import type { RegisteredRule } from './catalogTypes';

/**
 * What a namespace's defaults talk about: the roles they test and the target attributes they
 * format (`%(project_id)s`), for completion, hover and the "never provided" diagnostic.
 */
export interface Vocabulary {
  /** Role name → the rules (by name) whose defaults mention it. */
  readonly roles: ReadonlyMap<string, readonly string[]>;
  /** Attribute → the rules whose defaults (old or new) use it. */
  readonly attributes: ReadonlyMap<string, readonly string[]>;
}

/** Keystone's default roles, always known; admin implies member implies reader. */
export const KEYSTONE_ROLES: readonly { name: string; description: string }[] = [
  { name: 'admin', description: "Keystone's default admin role; implies member (and so reader)." },
  { name: 'member', description: "Keystone's default member role; implies reader. Implied by admin." },
  { name: 'reader', description: "Keystone's default read-only role. Implied by member and admin." },
  { name: 'manager', description: 'Keystone 2024.1+ domain manager role; implies member.' },
  { name: 'service', description: 'The role of service users (other OpenStack services calling this one).' },
];

const ATTRIBUTE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  project_id: 'The project that owns the resource acted on.',
  user_id: 'The user that owns the resource acted on.',
  domain_id: 'The domain of the resource acted on.',
  owner: 'The project that owns the resource (Glance images, Ironic nodes...).',
  tenant_id: 'The project (old name: tenant) that owns the resource.',
  member_id: 'The project an image is shared with (Glance image members).',
  visibility: "The image's visibility: public, private, shared or community.",
  'node.owner': "The project that owns the bare-metal node (a flat key: the target holds 'node.owner').",
  'node.lessee': "The project that leases the bare-metal node (a flat key: the target holds 'node.lessee').",
  'allocation.owner': 'The project that owns the allocation.',
  'target.user.domain_id': 'The domain of the user acted on (Keystone).',
  'target.project.domain_id': 'The domain of the project acted on (Keystone).',
  'target.role.domain_id': 'The domain of the role acted on (Keystone).',
  'target.group.domain_id': 'The domain of the group acted on (Keystone).',
  'target.domain.id': 'The domain acted on (Keystone).',
  shared: 'Whether the resource is shared with other projects (Neutron networks...).',
  is_admin: "Whether the request's context is admin.",
};

export function describeAttribute(name: string): string | null {
  return ATTRIBUTE_DESCRIPTIONS[name] ?? null;
}

/** Credential keys oslo.context puts in creds, for completion on the left of a generic check. */
export const CREDENTIAL_KEYS: readonly { name: string; description: string }[] = [
  { name: 'project_id', description: "The token's project (project-scoped tokens)." },
  { name: 'user_id', description: 'The user making the request.' },
  { name: 'domain_id', description: "The token's domain (domain-scoped tokens)." },
  { name: 'system_scope', description: "'all' for system-scoped tokens." },
  { name: 'is_admin', description: 'Set by some services (is_admin:True).' },
  { name: 'is_admin_project', description: "Whether the token's project is Keystone's admin project." },
  { name: 'user_domain_id', description: "The user's domain." },
  { name: 'project_domain_id', description: "The project's domain." },
  { name: 'service_user_id', description: 'The service user, when a service token accompanies the request.' },
  { name: 'service_roles', description: "The service token's roles." },
];

export function buildVocabulary(rules: readonly RegisteredRule[]): Vocabulary {
  const roles = new Map<string, string[]>();
  const attributes = new Map<string, string[]>();
  const note = (map: Map<string, string[]>, key: string, rule: string): void => {
    const list = map.get(key);
    if (!list) map.set(key, [rule]);
    else if (list[list.length - 1] !== rule) list.push(rule);
  };
  for (const rule of rules) {
    for (const text of [rule.check_str, rule.deprecated_rule?.check_str ?? '']) {
      for (const match of text.matchAll(/%\(([^)]*)\)/g)) note(attributes, match[1], rule.name);
      const parsed = parseRegisteredRule(text);
      if (parsed.type !== 'tree') continue;
      forEachLeaf(parsed.tree, (leaf) => {
        if (leaf.type === 'check' && leaf.kindClass === 'role' && !leaf.match.includes('%')) {
          note(roles, leaf.match.toLowerCase(), rule.name);
        }
      });
    }
  }
  for (const role of KEYSTONE_ROLES) if (!roles.has(role.name)) roles.set(role.name, []);
  return { roles, attributes };
}

function forEachLeaf(root: CheckNode, visit: (node: CheckNode) => void): void {
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'not') pending.push(node.operand);
    else if (node.type === 'and' || node.type === 'or') pending.push(...node.operands);
    else visit(node);
  }
}

/** Keystone's implied roles: who holds `role` through implication (admin → member → reader). */
export function rolesImplying(role: string, implied: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = [];
  for (const holder of Object.keys(implied)) {
    if (holder !== role && closure(holder, implied).includes(role)) out.push(holder);
  }
  return out.sort();
}

function closure(role: string, implied: Readonly<Record<string, readonly string[]>>): string[] {
  const seen = [role];
  for (let index = 0; index < seen.length; index++) {
    for (const next of implied[seen[index]] ?? []) if (!seen.includes(next)) seen.push(next);
  }
  return seen;
}
