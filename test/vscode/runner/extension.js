// Installed only in tests: once VS Code has started, runs the extension suite named by
// OS_POLICY_VSCODE_SUITE and writes its results to OS_POLICY_VSCODE_SUITE_RESULT.
const { writeFileSync } = require('node:fs');

exports.activate = () => {
  const suite = process.env.OS_POLICY_VSCODE_SUITE;
  const result = process.env.OS_POLICY_VSCODE_SUITE_RESULT;
  if (!suite || !result) return;
  setTimeout(() => {
    require(suite)
      .run(result)
      .catch((error) => writeFileSync(result, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'suite', state: 'failed', error: String(error && error.stack) }] })));
  }, 1000);
};
exports.deactivate = () => undefined;
