import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';

/** A registered default for tests: a name and check string, everything else empty unless given. */
export function registeredRule(
  name: string,
  check: string,
  extra: Partial<RegisteredRule> = {},
): RegisteredRule {
  return {
    name,
    check_str: check,
    description: null,
    operations: [],
    scope_types: [],
    deprecated_rule: null,
    deprecated_for_removal: false,
    deprecated_reason: null,
    deprecated_since: null,
    ...extra,
  };
}
