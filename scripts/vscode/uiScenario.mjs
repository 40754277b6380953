// The UI-level test in code-server, through the page as a user sees it: open a fixture with
// Quick Open, wait for the verdict code lenses, hover a policy name, check the status bar, and
// save screenshots. Returns what it saw; throws when something a user should see is missing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export async function uiScenario(page, screenshotsDir) {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.keyboard.press('Escape');
  await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('glance/policy.yaml');
  await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="policy.yaml"]');
  await page.keyboard.press('Enter');

  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor();
  const verdictLens = page.locator('.codelens-decoration a', { hasText: 'reader' }).first();
  await verdictLens.waitFor({ timeout: 30_000 });
  const lenses = await page.locator('.codelens-decoration').allTextContents();
  const status = await page.locator('.statusbar-item', { hasText: 'newest' }).first().textContent();
  await page.screenshot({ path: join(screenshotsDir, 'code-lens.png') });

  // Hover the key of get_image: the hover shows its operations and scope.
  const key = page.locator('.view-line span', { hasText: /^"get_image"$/ }).first();
  await key.hover();
  const hoverWidget = page.locator('.monaco-hover-content').first();
  await hoverWidget.waitFor({ state: 'visible', timeout: 15_000 });
  const hover = (await hoverWidget.textContent()) ?? '';
  await page.screenshot({ path: join(screenshotsDir, 'hover.png') });

  const problems = [];
  if (!lenses.some((text) => /Simulate as role…/.test(text))) problems.push('no "Simulate as role…" lens');
  if (!lenses.some((text) => /reader [✅❌🔍] · member [✅❌🔍] · admin [✅❌🔍]/u.test(text)))
    problems.push(`no verdict lens in ${JSON.stringify(lenses)}`);
  if (!/\/v2\/images\/\{image_id\}/.test(hover)) problems.push(`hover without operations: ${hover}`);
  if (!/glance \(auto\) · epoxy \(newest\) · default mode/.test(status ?? ''))
    problems.push(`status bar: ${status}`);
  if (problems.length > 0) throw new Error(`UI check failed: ${problems.join('; ')}`);
  return {
    lenses: lenses.filter(Boolean).length,
    hover: hover.replace(/\s+/g, ' ').slice(0, 60),
    status: status?.trim(),
  };
}
