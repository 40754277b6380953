import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import type { DifferentialJob } from './compare';
import { checkString, credentials, policyFile, target } from './generate';
import type { Random } from './random';

/** Generated differential jobs: policy files (YAML or JSON, sometimes a policy.d), options and cases. */
export const CASES_PER_JOB = 16;

export function registeredOf(namespace: string): RegisteredRule[] {
  const catalog = openBuiltInCatalog();
  const found = catalog?.get(namespace, 'zed');
  if (!found) throw new Error(`the zed catalog has no ${namespace}`);
  return [...found.rules];
}

export function generateJobs(random: Random, count: number, withNamespaces: boolean): DifferentialJob[] {
  const glanceNames = withNamespaces ? registeredOf('glance').map((rule) => rule.name) : [];
  return Array.from({ length: count }, () => {
    const useGlance = withNamespaces && random.chance(0.3);
    const format = random.chance(0.3) ? 'json' : 'yaml';
    const main = policyFile(random, format, useGlance ? glanceNames.slice(0, 12) : []);
    const files: Record<string, string> = { [format === 'json' ? 'policy.json' : 'policy.yaml']: main.text };
    if (random.chance(0.1)) files['policy.d/10-extra.yaml'] = policyFile(random, 'yaml').text;
    const names = [...main.names, 'missing_rule', ...(useGlance ? random.subset(glanceNames, 0.1) : [])];
    const cases = Array.from({ length: CASES_PER_JOB }, () => {
      const base = { creds: credentials(random), target: target(random) };
      return random.chance(0.5)
        ? { rule: random.pick(names), ...base }
        : { check: checkString(random, names), ...base };
    });
    return {
      files,
      namespaces: useGlance ? ['glance'] : [],
      options: {
        default_rule: random.pick(['default', 'default', null, 'missing', 'admin_required']),
        enforce_new_defaults: random.chance(0.3),
        enforce_scope: random.chance(0.3),
      },
      cases,
    };
  });
}
