import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * Runs the extension suite inside a VS Code extension host: under @vscode/test-electron as its
 * `extensionTestsPath` (`run()`), and under code-server from the runner extension, which passes
 * a file to write the results to (`{ passed, failed, tests: [{ title, state, error? }] }`).
 */
export function run(resultFile?: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.addFile(join(__dirname, 'extension.test.js'));
  return new Promise((resolve, reject) => {
    const tests: { title: string; state: string; error?: string }[] = [];
    const runner = mocha.run((failures) => {
      if (resultFile)
        writeFileSync(
          resultFile,
          JSON.stringify(
            { passed: tests.filter((t) => t.state === 'passed').length, failed: failures, tests },
            null,
            2,
          ),
        );
      if (failures > 0 && !resultFile) reject(new Error(`${failures} VS Code tests failed`));
      else resolve();
    });
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, error: Error) =>
      tests.push({
        title: test.fullTitle(),
        state: 'failed',
        error: `${error.message}\n${error.stack ?? ''}`,
      }),
    );
  });
}
