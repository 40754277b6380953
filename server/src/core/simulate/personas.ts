import { PY_FALSE, PY_NONE, pyDict, pyStr, type PyValue } from '../python/pyValue';

/**
 * Named credentials, as a service hands them to oslo.policy: oslo.context's
 * `RequestContext.to_policy_values()` of a Keystone token. The default ids are an interface
 * other tools rely on (`os-policy matrix` JSON); keep them.
 */
export interface PersonaSpec {
  readonly id: string;
  readonly label: string;
  /** Roles as assigned; implied roles are added by `expandRoles`. */
  readonly roles: readonly string[];
  readonly project_id?: string | null;
  readonly user_id?: string | null;
  readonly domain_id?: string | null;
  readonly system_scope?: string | null;
  readonly is_admin?: boolean;
  /** Any other credential keys, as JSON-like values. */
  readonly extra?: Readonly<Record<string, PyValue>>;
}

/** Keystone's default implied roles: admin implies member, member implies reader. */
export const DEFAULT_IMPLIED_ROLES: Readonly<Record<string, readonly string[]>> = {
  admin: ['member'],
  member: ['reader'],
  manager: ['member'],
};

export const DEFAULT_PERSONAS: readonly PersonaSpec[] = [
  { id: 'project_reader', label: 'project reader', roles: ['reader'], project_id: 'p1', user_id: 'u1' },
  { id: 'project_member', label: 'project member', roles: ['member'], project_id: 'p1', user_id: 'u1' },
  { id: 'project_admin', label: 'project admin', roles: ['admin'], project_id: 'p1', user_id: 'u1' },
  { id: 'system_reader', label: 'system reader', roles: ['reader'], system_scope: 'all', user_id: 'u1' },
  { id: 'system_admin', label: 'system admin', roles: ['admin'], system_scope: 'all', user_id: 'u1' },
  { id: 'domain_manager', label: 'domain manager', roles: ['manager'], domain_id: 'd1', user_id: 'u1' },
  { id: 'service', label: 'service', roles: ['service'], project_id: 'service', user_id: 'svc' },
  { id: 'anonymous', label: 'anonymous', roles: [] },
];

/** The roles with every implied role added (transitively, cycles tolerated), in a stable order. */
export function expandRoles(
  roles: readonly string[],
  implied: Readonly<Record<string, readonly string[]>>,
): string[] {
  const out: string[] = [];
  const pending = [...roles];
  while (pending.length > 0) {
    const role = pending.shift()!;
    if (out.includes(role)) continue;
    out.push(role);
    pending.push(...(implied[role] ?? []));
  }
  return out;
}

/** The credentials dict of a persona, as `to_policy_values()` gives it. */
export function personaCredentials(
  persona: PersonaSpec,
  implied: Readonly<Record<string, readonly string[]>> = DEFAULT_IMPLIED_ROLES,
): PyValue {
  const text = (value: string | null | undefined): PyValue => (value ? pyStr(value) : PY_NONE);
  const entries: [string, PyValue][] = [
    ['user_id', text(persona.user_id)],
    ['user_domain_id', persona.user_id ? pyStr('default') : PY_NONE],
    ['system_scope', text(persona.system_scope)],
    ['domain_id', text(persona.domain_id)],
    ['project_id', text(persona.project_id)],
    ['project_domain_id', persona.project_id ? pyStr('default') : PY_NONE],
    ['roles', { t: 'list', items: expandRoles(persona.roles, implied).map(pyStr) }],
    ['is_admin_project', { t: 'bool', v: true }],
    ['service_user_id', PY_NONE],
    ['service_user_domain_id', PY_NONE],
    ['service_project_id', PY_NONE],
    ['service_project_domain_id', PY_NONE],
    ['service_roles', { t: 'list', items: [] }],
  ];
  if (persona.is_admin !== undefined)
    entries.push(['is_admin', persona.is_admin ? { t: 'bool', v: true } : PY_FALSE]);
  for (const [key, value] of Object.entries(persona.extra ?? {})) entries.push([key, value]);
  return pyDict(entries);
}
