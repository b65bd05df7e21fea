import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AppOptions } from '../../src/app';
import type { Config } from '../../src/config';
import { buildTestApp, type TestApp } from './app';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserHarness extends TestApp {
  baseUrl: string;
  browser: Browser;
  newPage(): Promise<Page>;
  shutdown(): Promise<void>;
}

/** The app served on a loopback port, and Debian's Chromium to drive it. */
export async function startBrowserHarness(
  overrides: Partial<Config> = {},
  options: AppOptions = {},
): Promise<BrowserHarness> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Browser tests need Chromium at ${chromiumPath}: apt-get install -y chromium`);
  }
  const t = await buildTestApp(overrides, options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    ...t,
    baseUrl,
    browser,
    newPage: async () => {
      const context = await browser.newContext({ baseURL: baseUrl });
      return context.newPage();
    },
    shutdown: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * Runs axe on the page once it has loaded and fails on any violation of WCAG 2.2 A or AA. A click
 * that navigates returns before the next page arrives, so this waits for the page's main landmark:
 * every Lantern page has one.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  await page.waitForLoadState('load');
  await page.locator('main').first().waitFor({ state: 'attached' });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`,
  );
  // Joined, so a failure prints every violation in full.
  expect(summary.join('\n'), `axe on ${state}`).toBe('');
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
