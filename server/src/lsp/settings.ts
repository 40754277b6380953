import { DEFAULT_SETTINGS, type PolicySettings } from '../core/features/analysis';
import type { DiagnosticSeverity } from '../core/features/diagnosticTypes';
import { parsePythonJson } from '../core/python/pyJson';
import type { PersonaSpec } from '../core/simulate/personas';

/**
 * The `osPolicy` settings as the client sends them, checked field by field: a wrong value falls
 * back to its default instead of breaking the server.
 */
export function readSettings(raw: unknown): PolicySettings {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (key: string, fallback: string): string =>
    typeof value[key] === 'string' ? value[key] : fallback;
  const flag = (key: string, fallback: boolean): boolean =>
    typeof value[key] === 'boolean' ? value[key] : fallback;
  const severities: Record<string, DiagnosticSeverity | 'off'> = {};
  const diagnostics = value.diagnostics as { severity?: Record<string, unknown> } | undefined;
  for (const [code, severity] of Object.entries(diagnostics?.severity ?? {})) {
    if (
      severity === 'error' ||
      severity === 'warning' ||
      severity === 'information' ||
      severity === 'hint' ||
      severity === 'off'
    ) {
      severities[code] = severity;
    }
  }
  const implied = value.impliedRoles;
  const impliedRoles =
    typeof implied === 'object' && implied !== null && !Array.isArray(implied)
      ? Object.fromEntries(
          Object.entries(implied as Record<string, unknown>).map(([role, list]) => [
            role,
            Array.isArray(list) ? list.filter((r): r is string => typeof r === 'string') : [],
          ]),
        )
      : DEFAULT_SETTINGS.impliedRoles;
  const personas = Array.isArray(value.personas) ? value.personas.flatMap(readPersona) : [];
  return {
    service: text('service', DEFAULT_SETTINGS.service),
    release: text('release', DEFAULT_SETTINGS.release),
    enforceNewDefaults: flag('enforceNewDefaults', DEFAULT_SETTINGS.enforceNewDefaults),
    enforceScope: flag('enforceScope', DEFAULT_SETTINGS.enforceScope),
    defaultRule: typeof value.defaultRule === 'string' ? value.defaultRule : DEFAULT_SETTINGS.defaultRule,
    personas: [...DEFAULT_SETTINGS.personas.filter((p) => !personas.some((q) => q.id === p.id)), ...personas],
    impliedRoles,
    severities,
    catalogPaths: Array.isArray(value.catalogPaths)
      ? value.catalogPaths.filter((p): p is string => typeof p === 'string')
      : [],
  };
}

function readPersona(raw: unknown): PersonaSpec[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const value = raw as Record<string, unknown>;
  if (typeof value.id !== 'string') return [];
  const optional = (key: string): string | null | undefined =>
    typeof value[key] === 'string' ? value[key] : value[key] === null ? null : undefined;
  const known = new Set([
    'id',
    'label',
    'roles',
    'project_id',
    'user_id',
    'domain_id',
    'system_scope',
    'is_admin',
  ]);
  // Any other key is a credential as given (lists, objects and numbers too), read as Python's
  // json module reads it.
  const extra = Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => !known.has(key) && item !== undefined)
      .map(([key, item]) => [key, parsePythonJson(JSON.stringify(item))]),
  );
  return [
    {
      id: value.id,
      label: typeof value.label === 'string' ? value.label : value.id,
      roles: Array.isArray(value.roles) ? value.roles.filter((r): r is string => typeof r === 'string') : [],
      project_id: optional('project_id'),
      user_id: optional('user_id'),
      domain_id: optional('domain_id'),
      system_scope: optional('system_scope'),
      is_admin: typeof value.is_admin === 'boolean' ? value.is_admin : undefined,
      extra,
    },
  ];
}
