import assert from 'node:assert/strict';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import type { EffectivePolicy } from '../../server/src/core/engine/effectivePolicy';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { checkRulesDepth } from '../../server/src/core/engine/checkRulesWalk';
import { checkRulesDepthByOslo, runOracle } from '../support/oracle';
import { Random, runSeed } from '../support/random';

/**
 * How deep `check_rules` recurses when rules form cycles. Its `_cycle_check` walks each rule
 * depth first, in source order, and returns at the first cycle it meets: a rule that refers to
 * itself before a long chain stops the walk there, one that refers to itself after it does not.
 * Past Python's recursion limit `load_rules()` raises RecursionError.
 */
const OPTIONS = { default_rule: 'default', enforce_new_defaults: false, enforce_scope: false };
const LENGTHS = [200, 500, 900, 1_200, 1_500];

/** A chain `L0` → `L1` → … with references back (cycles) in some rules, before or after the hop forward. */
function chainWithCycles(random: Random, lengths: readonly number[] = LENGTHS): string {
  const length = random.pick(lengths);
  // Most files put their cycles in a few places, some everywhere.
  const cycleRate = random.pick([0, 0.002, 0.01, 0.2, 1]);
  const lines: string[] = [];
  for (let index = 0; index < length; index++) {
    const forward = `rule:L${index + 1}`;
    if (random.next() >= cycleRate) {
      lines.push(
        `L${index}: "${random.pick([forward, forward, `role:a or ${forward}`, `(${forward} and @)`])}"`,
      );
      continue;
    }
    const back = `rule:L${random.pick([index, index, random.int(0, index)])}`;
    const check = random.pick([
      `@ or ${back} or ${forward}`,
      `${back} or ${forward}`,
      `${forward} or ${back}`,
      `(${forward} and role:a) or ${back}`,
      `not ${back} or ${forward}`,
      `${back} and (role:a or ${forward})`,
    ]);
    lines.push(`L${index}: "${check}"`);
  }
  lines.push(`L${length}: "role:a"`);
  return `${lines.join('\n')}\n`;
}

/** A few rules referring to each other at random, inside and/or/not, in cycles or not. */
function tangledRules(random: Random): string {
  const count = random.int(1, 12);
  const names = Array.from({ length: count }, (_, index) => `R${index}`);
  const operand = (depth: number): string => {
    const roll = random.next();
    if (depth < 2 && roll < 0.3) {
      const parts = Array.from({ length: random.int(2, 3) }, () => operand(depth + 1));
      return `(${parts.join(random.pick([' and ', ' or ']))})`;
    }
    if (roll < 0.38) return `not ${operand(depth + 1)}`;
    if (roll < 0.85) return `rule:${random.pick([...names, 'missing'])}`;
    return random.pick(['@', '!', 'role:a']);
  };
  // Two references at most per rule: the walk of a rule reaching no cycle is not memoised in
  // oslo.policy, and diamonds of many references would take it long.
  return `${names.map((name) => `${name}: "${random.pick([operand(0), `rule:${random.pick(names)}`])}"`).join('\n')}\n`;
}

/** One big cycle of rules that each refer to five others: walks that go a long way before meeting their path. */
function denseCycles(count: number): string {
  const lines = Array.from({ length: count }, (_, index) => {
    const references = Array.from({ length: 5 }, (_, k) => `rule:D${(index * 7919 + k * 104729) % count}`);
    return `D${index}: "${references.join(' or ')}"`;
  });
  return `${lines.join('\n')}\n`;
}

function policyOf(text: string): EffectivePolicy {
  return loadEffectivePolicy({
    files: [loadPolicyFile(readPolicyDocument(text))],
    registered: [],
    options: { defaultRule: 'default', enforceNewDefaults: false, enforceScope: false },
  });
}

describe('check_rules depth with cycles, against oslo.policy', function () {
  this.timeout(300_000);

  it('walks exactly as deep as _cycle_check recurses, on tangled rules and chains', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const texts = [
      ...Array.from({ length: 1_500 }, () => tangledRules(random)),
      ...Array.from({ length: 30 }, () => chainWithCycles(random, [100, 300])),
      denseCycles(2_000),
    ];
    const theirs = checkRulesDepthByOslo(texts);
    texts.forEach((text, index) => {
      assert.equal(checkRulesDepth(policyOf(text)), theirs[index], `seed ${seed}:\n${text}`);
    });
  });

  it('loads or raises RecursionError where oslo.policy does, a cycle cutting its walk short', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const texts = Array.from({ length: 60 }, () => chainWithCycles(random));
    const theirs = runOracle(
      texts.map((text) => ({ files: { 'policy.yaml': text }, options: OPTIONS, cases: [] })),
    );
    const counts = { loads: 0, raises: 0, undecided: 0 };
    texts.forEach((text, index) => {
      const failure = policyOf(text).loadFailure;
      if (failure?.kind === 'unknown') {
        counts.undecided++;
        return;
      }
      const ours = failure ? failure.exception : null;
      const reference = theirs[index].load_error?.split(':')[0] ?? null;
      assert.equal(
        ours,
        reference,
        `seed ${seed}, file ${index}: ${failure?.message ?? 'loads'}\n${text.slice(0, 400)}`,
      );
      if (ours === null) counts.loads++;
      else counts.raises++;
    });
    process.stderr.write(
      `      seed ${seed}: ${counts.loads} load, ${counts.raises} raise, ${counts.undecided} depend on the stack\n`,
    );
    assert.ok(
      counts.loads >= 15 && counts.raises >= 5,
      `both outcomes are reached: ${JSON.stringify(counts)}`,
    );
  });

  it('a rule that refers to itself first stops the walk: 600 such rules in a chain load', () => {
    const lines = Array.from(
      { length: 600 },
      (_, index) => `L${index}: "@ or rule:L${index} or rule:L${index + 1}"`,
    );
    const text = `${lines.join('\n')}\nL600: "role:a"\n`;
    const [reference] = runOracle([{ files: { 'policy.yaml': text }, options: OPTIONS, cases: [] }]);
    assert.equal(reference.load_error, null);
    assert.equal(policyOf(text).loadFailure, null);
    // The same rules with the hop forward first walk the whole chain before any cycle.
    const deep = text.replace(/"@ or (rule:L\d+) or (rule:L\d+)"/g, '"@ or $2 or $1"');
    assert.equal(policyOf(deep).loadFailure?.kind, 'raises');
    const [deepReference] = runOracle([{ files: { 'policy.yaml': deep }, options: OPTIONS, cases: [] }]);
    assert.match(deepReference.load_error ?? '', /^RecursionError/);
  });
});
