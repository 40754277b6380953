import type { Random } from '../support/random';

/** A realistic big file: rules referring to earlier rules, roles, owners, literals. */
export function bigPolicyFile(random: Random, count: number): string {
  const lines = ['# generated for the benchmark'];
  for (let index = 0; index < count / 2; index++) {
    const refs = index > 0 ? [`rule:r${random.int(0, index - 1)}`] : [];
    const check = random.pick([
      `role:admin or (role:member and project_id:%(project_id)s)`,
      `rule:r${Math.max(0, index - 1)} or role:reader`,
      `(role:reader and project_id:%(project_id)s) or ${refs[0] ?? 'role:admin'}`,
      `'public':%(visibility)s or user_id:%(user_id)s`,
      `is_admin:True or not role:x`,
    ]);
    lines.push(`"svc:resource${index}:action": "${check}"`, `r${index}: "${refs[0] ?? '@'}"`);
  }
  return `${lines.join('\n')}\n`;
}
