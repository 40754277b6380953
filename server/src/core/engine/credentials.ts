import { pyTruthy } from '../python/pyTruth';
import type { PyValue } from '../python/pyValue';

export { pyTruthy };

/**
 * `enforce` copies a truthy `creds['system_scope']` into `creds['system']` before deciding
 * (oslo.context calls it system_scope, older services set system). A copy here: the caller's
 * credentials stay as they were.
 */
export function withSystemFromScope(creds: PyValue): PyValue {
  if (creds.t !== 'dict') return creds;
  const scope = creds.map.get('system_scope');
  if (!scope || !pyTruthy(scope)) return creds;
  const map = new Map(creds.map);
  map.set('system', scope);
  return { t: 'dict', map };
}
