import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { metrics } from './helpers';

/** `{ passed, failed, tests: [{ title, state, error? }], metrics }`, written by the code-server run. */
export interface SuiteResults {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; error?: string }[];
  metrics: Record<string, number>;
}

/**
 * Runs the extension suite inside a VS Code extension host: under @vscode/test-electron as its
 * `extensionTestsPath` (`run()`, failures reject), and under code-server from the runner
 * extension, which passes a file to write the results to.
 */
export function run(resultFile?: string): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: resultFile ? 'dot' : 'spec',
  });
  for (const file of ['language.test.js', 'commands.test.js']) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    const tests: SuiteResults['tests'] = [];
    const runner = mocha.run((failures) => {
      const results: SuiteResults = {
        passed: tests.filter((t) => t.state === 'passed').length,
        failed: failures,
        tests,
        metrics,
      };
      if (resultFile) writeFileSync(resultFile, JSON.stringify(results, null, 2));
      else console.log(`metrics: ${JSON.stringify(metrics)}`);
      if (failures > 0 && !resultFile) reject(new Error(`${failures} VS Code tests failed`));
      else resolve();
    });
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, error: Error) =>
      tests.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message }),
    );
  });
}
