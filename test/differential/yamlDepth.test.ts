import * as assert from 'node:assert/strict';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { runOracle } from '../support/oracle';

/**
 * Deeply nested YAML against oslo.policy: PyYAML's composer recurses per level and raises
 * RecursionError, while the `yaml` package, asked to compose such a text, ran out of stack or
 * aborted Node. Each shape at depths around PyYAML's limit and far beyond it.
 */
const SHAPES: Record<string, (levels: number) => string> = {
  'flow sequence': (n) => `foo: ${'['.repeat(n)}"role:x"${']'.repeat(n)}\n`,
  'flow mapping': (n) => `foo: ${'{a: '.repeat(n)}"x"${'}'.repeat(n)}\n`,
  'pairs in flow sequences': (n) => `foo: ${'[a: '.repeat(n)}"x"${']'.repeat(n)}\n`,
  'block sequence': (n) =>
    `foo:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}-\n`).join('')}${' '.repeat(n + 1)}x\n`,
  'compact block sequence': (n) => `a: "role:x"\nfoo:\n  ${'- '.repeat(n)}x\nb: "@"\n`,
  'block mapping': (n) =>
    `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('')}${' '.repeat(n)}x\n`,
  'deep rule among plain ones': (n) => `a: "role:x"\nfoo: ${'['.repeat(n)}"role:x"${']'.repeat(n)}\nb: "@"\n`,
};
const DEPTHS = [
  5, 200, 330, 340, 360, 420, 480, 485, 486, 487, 488, 489, 490, 491, 495, 600, 800, 2000, 6000,
];

describe('deeply nested YAML against oslo.policy', function () {
  this.timeout(300_000);

  it('raises where oslo.policy raises RecursionError, and loads where it is safe', () => {
    const cases = Object.entries(SHAPES).flatMap(([shape, make]) =>
      DEPTHS.map((depth) => ({ shape, depth, text: make(depth) })),
    );
    const ours = cases.map(({ text }) => readPolicyDocument(text).load);
    const oracle = runOracle(cases.map(({ text }) => ({ files: { 'policy.yaml': text }, cases: [] })));
    const wrong: string[] = [];
    let raised = 0;
    let unpredictable = 0;
    cases.forEach(({ shape, depth }, index) => {
      const recursion = oracle[index].load_error?.startsWith('RecursionError') ?? false;
      const load = ours[index];
      if (load.kind === 'raises') raised++;
      if (load.kind === 'unpredictable') unpredictable++;
      const agrees =
        load.kind === 'unpredictable' ||
        (load.kind === 'raises' && load.exception === 'RecursionError' && recursion) ||
        (load.kind === 'raises' && load.exception !== 'RecursionError' && !recursion) ||
        (load.kind === 'loads' && !recursion);
      if (!agrees)
        wrong.push(
          `${shape} ${depth}: ours ${JSON.stringify(load)}, oslo.policy ${oracle[index].load_error}`,
        );
    });
    assert.deepEqual(wrong, []);
    assert.ok(raised > cases.length / 4, `certain failures are called so (${raised} of ${cases.length})`);
    assert.ok(unpredictable < cases.length / 2, `${unpredictable} of ${cases.length} left to the service`);
  });

  it('is calibrated on the flow sequence: it loads at 490 levels and raises at 491', () => {
    const flow = SHAPES['flow sequence'];
    // Levels count the top-level mapping: 489 brackets are 490 levels.
    const [atLimit, past] = runOracle(
      [489, 490].map((n) => ({ files: { 'policy.yaml': flow(n) }, cases: [] })),
    );
    assert.equal(atLimit.load_error, null);
    assert.match(past.load_error ?? '', /^RecursionError/);
    assert.equal(readPolicyDocument(flow(490)).load.kind, 'raises');
    assert.equal(readPolicyDocument(flow(489)).load.kind, 'unpredictable');
  });
});
