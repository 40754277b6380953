import { VERDICT_ICONS } from './matrix';
import type { Simulation, SimulationStep } from './simulate';

/** A persona's (or custom credentials') answer. */
export interface PersonaSimulation extends Simulation {
  readonly persona: string;
  readonly label: string;
}

/** `🔍 conditional: allowed if project_id == %(owner)s`. */
export function verdictLine(result: Simulation): string {
  const icon = VERDICT_ICONS[result.verdict];
  switch (result.verdict) {
    case 'allowed':
    case 'denied':
      return `${icon} ${result.verdict}${result.exact ? ' (exact decision for this target)' : ''}`;
    case 'conditional':
      return `${icon} conditional: allowed if ${result.condition}`;
    case 'error':
      return `${icon} error: oslo.policy ${result.reason}${result.condition ? ` (where: ${result.condition})` : ''}`;
    case 'unknown':
      return `${icon} unknown: ${result.reason}`;
  }
}

export function traceLines(steps: readonly SimulationStep[], indent = '  '): string[] {
  const lines: string[] = [];
  const visit = (step: SimulationStep, depth: number): void => {
    lines.push(`${indent}${'  '.repeat(depth)}${step.check}: ${step.result}`);
    for (const child of step.children) visit(child, depth + 1);
  };
  for (const step of steps) visit(step, 0);
  return lines;
}

/** The answer for each persona with its trace, as `os-policy simulate` prints it. */
export function simulationText(rule: string, mode: string, results: readonly PersonaSimulation[]): string {
  const lines = [`${rule} — ${mode}`];
  for (const result of results) {
    lines.push(
      '',
      `${result.label} (${result.persona}): ${verdictLine(result)}`,
      ...traceLines(result.trace),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `reader ❌ · member 🔍 owner · admin ✅`: short labels, the target keys of a condition. */
export function verdictSummary(results: readonly PersonaSimulation[]): string {
  return results
    .map((r) => {
      const label = r.label.replace(/^project /, '');
      const hint = r.verdict === 'conditional' || r.verdict === 'error' ? r.keys.join(',') : '';
      return `${label} ${VERDICT_ICONS[r.verdict]}${hint ? ` ${hint}` : ''}`;
    })
    .join(' · ');
}
