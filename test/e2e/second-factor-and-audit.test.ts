import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUser } from '../../src/platform/auth/tables';
import { currentTotp } from '../../src/platform/auth/totp';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness({ requireSecondFactor: true });
});
afterAll(async () => {
  await h?.shutdown();
});

async function secretOf(email: string): Promise<string> {
  const [row] = await h.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  return row?.totpSecret ?? '';
}

/** The key the set-up page shows, as the user would type it into the app. */
async function shownSecret(page: Page): Promise<string> {
  return ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
}

describe('second factor, roles, audit and children pages', () => {
  it('enrols a second factor at first sign-in, then asks for the code, with errors shown accessibly', async () => {
    const page = await h.newPage();
    await signIn(page, 'auditor@lantern.invalid', DEMO_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/sign-in/set-up-second-factor');
    await expectAccessible(page, 'set up second factor');
    await page.getByLabel('Code from the app').fill('123');
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The code must be 6 digits');
    await expectAccessible(page, 'set up second factor with errors');
    await page.getByLabel('Code from the app').fill(await currentTotp(await shownSecret(page), h.clock));
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await page.locator('h1').textContent()).toBe('Home');

    const again = await h.newPage();
    await signIn(again, 'auditor@lantern.invalid', DEMO_PASSWORD);
    expect(new URL(again.url()).pathname).toBe('/sign-in/second-factor');
    await expectAccessible(again, 'second factor');
    await again.getByRole('textbox').fill('000000');
    await again.getByRole('button', { name: 'Continue' }).click();
    expect(await again.locator('.govuk-error-summary').textContent()).toContain('The code is not correct');
    await expectAccessible(again, 'second factor with errors');
    await again
      .getByRole('textbox')
      .fill(await currentTotp(await secretOf('auditor@lantern.invalid'), h.clock));
    await again.getByRole('button', { name: 'Continue' }).click();
    expect(await again.locator('h1').textContent()).toBe('Home');

    await again.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    expect(await again.locator('h1').textContent()).toBe('Audit log');
    expect(await again.getByRole('table', { name: 'Events' }).textContent()).toContain('auth.second-factor');
    await expectAccessible(again, 'audit log');
    await again.getByLabel('Date from').fill('40/2/2026');
    await again.getByRole('button', { name: 'Show events' }).click();
    expect(await again.locator('.govuk-error-summary').textContent()).toContain(
      'Date from must be a real date',
    );
    await expectAccessible(again, 'audit log with errors');
  });

  it('changes a user’s roles, resets a password, and shows a child’s record, accessibly', async () => {
    const admin = await h.newPage();
    await signIn(admin, 'hub.admin@lantern.invalid', DEMO_PASSWORD);
    await admin.getByLabel('Code from the app').fill(await currentTotp(await shownSecret(admin), h.clock));
    await admin.getByRole('button', { name: 'Confirm' }).click();
    await admin.goto('/admin/users');
    await admin.getByRole('link', { name: 'Ivy Carrow' }).click();
    await admin.getByRole('link', { name: 'Change roles' }).click();
    await expectAccessible(admin, 'roles');
    await admin.getByLabel('Analyst').uncheck();
    await admin.getByRole('button', { name: 'Save roles' }).click();
    expect(await admin.locator('.govuk-error-summary').textContent()).toContain('Select at least one role');
    await expectAccessible(admin, 'roles with errors');
    await admin.getByLabel('Subgroup chair').check();
    await admin.getByRole('button', { name: 'Save roles' }).click();
    expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Roles changed');
    await admin.getByRole('button', { name: 'Reset password' }).click();
    expect(await admin.locator('#temporary-password').textContent()).toMatch(/^[a-z2-9-]{19}$/);
    await expectAccessible(admin, 'password reset');

    const ctx = await contextFor(h, 'social.mash@lantern.invalid');
    const childId = await h.services.children.create(ctx, {
      givenName: 'Mira',
      familyName: 'Exampleton',
      dateOfBirth: '2012-06-01',
    });
    const worker = await h.newPage();
    await signIn(worker, 'social.mash@lantern.invalid', DEMO_PASSWORD);
    await worker.getByLabel('Code from the app').fill(await currentTotp(await shownSecret(worker), h.clock));
    await worker.getByRole('button', { name: 'Confirm' }).click();
    await worker.getByRole('link', { name: 'Children' }).click();
    await expectAccessible(worker, 'children');
    await worker.getByRole('link', { name: 'Mira Exampleton' }).click();
    expect(new URL(worker.url()).pathname).toBe(`/children/${childId}`);
    expect(await worker.title()).not.toContain('Mira');
    await expectAccessible(worker, 'a child');
  });
});
