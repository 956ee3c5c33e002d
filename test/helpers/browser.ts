import { existsSync } from 'node:fs';
import { type Browser, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { signInAsOwner } from './node-process';

/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = process.env['HOTPOT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium, or run bin/hotpot test as root)`;
}

/** Launches headless Chromium with no background traffic (this machine has no network beyond loopback). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A page signed in as the node's owner (made first on a fresh node): the session cookie is set in a
 * fresh browser context, as if the owner had signed in on the page.
 */
export async function ownerPage(
  browser: Browser,
  nodeUrl: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const cookie = await signInAsOwner(nodeUrl);
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext(options);
  await context.addCookies([{ name, value, url: nodeUrl, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

/**
 * Collects what would make a page wrong without showing: uncaught errors, console errors and CSP
 * violations. Call before the first `goto`; expect the list empty at the end.
 */
export async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  // Runs in the page (a string: this file is compiled without the DOM's types).
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  return problems;
}
