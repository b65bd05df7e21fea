import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe('signing in and out', () => {
  it('shows an accessible sign-in page with the marking at top and bottom', async () => {
    const page = await h.newPage();
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expect(page.title()).resolves.toBe('Sign in – Lantern');
    expect(await page.locator('.lantern-marking').allTextContents()).toEqual([
      'OFFICIAL-SENSITIVE',
      'OFFICIAL-SENSITIVE',
    ]);
    await expectAccessible(page, 'sign-in page');
  });

  it('signs in with a good password, shows the home page, and signs out', async () => {
    const page = await h.newPage();
    await signIn(page, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    expect(await page.locator('h1').textContent()).toBe('Home');
    expect(await page.locator('.lantern-user-bar').textContent()).toContain('Priya Hale');
    expect(await page.locator('.lantern-user-bar').textContent()).toContain('Leeds City Council');
    await expectAccessible(page, 'home page');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('h1').textContent()).toBe('You have signed out');
    await expectAccessible(page, 'signed-out page');
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('shows an error summary for a wrong password, keeps the email, and is accessible', async () => {
    const page = await h.newPage();
    await signIn(page, 'health@lantern.invalid', 'not-the-right-password');
    await expect(page.title()).resolves.toBe('Error: Sign in – Lantern');
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.textContent()).toContain('Enter a correct email address and password');
    expect(await page.getByLabel('Email address').inputValue()).toBe('health@lantern.invalid');
    await expectAccessible(page, 'sign-in with a wrong password');
  });

  it('shows an error summary for empty fields', async () => {
    const page = await h.newPage();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const summary = await page.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Enter your email address');
    await expectAccessible(page, 'sign-in with empty fields');
  });

  it('locks the account after five failures, refusing even the right password in the same words', async () => {
    const page = await h.newPage();
    for (let i = 0; i < 5; i++) await signIn(page, 'chair@lantern.invalid', `wrong-password-${i}`);
    // A guesser cannot tell a lock from a wrong password, so the page says the same as for one.
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a correct email address and password',
    );
    await signIn(page, 'chair@lantern.invalid', DEMO_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a correct email address and password',
    );
    await expectAccessible(page, 'locked out');
  });
});
