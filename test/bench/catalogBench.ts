import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';

/**
 * `npm run bench` (catalog part): cold start of the catalog, cold load of the largest namespace,
 * and the memory of every namespace of every release loaded. Runs first in a fresh process.
 */
function ms(start: bigint): string {
  return `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`;
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = process.memoryUsage().heapUsed;
let start = process.hrtime.bigint();
const catalog = openBuiltInCatalog()!;
process.stdout.write(
  `catalog index (${catalog.index.entries.length} namespace × release files)     ${ms(start)}\n`,
);
start = process.hrtime.bigint();
const nova = catalog.get('neutron', 'epoxy')!;
process.stdout.write(
  `cold load of neutron/epoxy (${nova.rules.length} rules, the largest)       ${ms(start)}\n`,
);
start = process.hrtime.bigint();
let rules = 0;
for (const entry of catalog.index.entries) rules += catalog.get(entry.namespace, entry.release)!.rules.length;
process.stdout.write(
  `load of all ${catalog.index.entries.length} namespace catalogs (${rules} rules)            ${ms(start)}\n`,
);
gc?.();
const after = process.memoryUsage().heapUsed;
process.stdout.write(
  `heap of everything loaded                                  ${((after - before) / 1e6).toFixed(1)} MB${gc ? '' : ' (no --expose-gc: approximate)'}\n`,
);
