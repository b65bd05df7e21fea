import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';

let h: BrowserHarness;
beforeAll(async () => {
  // An idle limit of two minutes and three seconds: the warning, two minutes before, comes after three seconds.
  h = await startBrowserHarness({ session: { idleMinutes: 2.05, absoluteHours: 12 } });
});
afterAll(async () => {
  await h?.shutdown();
});

describe('the session timeout warning', () => {
  it('warns before the idle session ends, accessibly, and "Stay signed in" keeps the session', async () => {
    const page = await h.newPage();
    await signIn(page, 'analyst@lantern.invalid', DEMO_PASSWORD);
    const dialog = page.locator('#timeout-warning');
    expect(await dialog.isVisible()).toBe(false);
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await dialog.textContent()).toContain('You’re about to be signed out');
    await expectAccessible(page, 'timeout warning');
    const keepAlive = page.waitForResponse((r) => r.url().endsWith('/session/keep-alive'));
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    expect((await keepAlive).status()).toBe(204);
    expect(await dialog.isVisible()).toBe(false);
  });
});
