import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUser } from '../../src/platform/auth/tables';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe('administration', () => {
  it('an administrator adds a user after correcting a form with errors; the new user signs in and chooses a password', async () => {
    const page = await h.newPage();
    await signIn(page, 'hub.admin@lantern.invalid', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).first().click();
    expect(await page.locator('h1').textContent()).toBe('Users');
    await expectAccessible(page, 'users list');

    await page.getByRole('button', { name: 'Add a user' }).click();
    await page.waitForURL('**/admin/users/new');
    await expectAccessible(page, 'add a user');
    await page.getByLabel('Full name').fill('Jo Newcombe');
    await page.getByLabel('Work email address').fill('not-an-email');
    await page.getByRole('button', { name: 'Add user' }).click();

    await expect(page.title()).resolves.toMatch(/^Error: /);
    const summary = await page.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Enter an email address in the correct format');
    expect(summary).toContain('Select at least one role');
    expect(await page.getByLabel('Full name').inputValue()).toBe('Jo Newcombe');
    await expectAccessible(page, 'add a user with errors');
    const none = await h.services.withTransaction((tx) =>
      tx.select().from(appUser).where(eq(appUser.name, 'Jo Newcombe')),
    );
    expect(none).toEqual([]);

    await page.getByLabel('Work email address').fill('jo.newcombe@lantern.invalid');
    await page
      .getByLabel('Agency', { exact: true })
      .selectOption({ label: 'Leeds City Council Children’s Services' });
    await page.getByLabel('Missing lead (local authority)').check();
    await page.getByRole('button', { name: 'Add user' }).click();
    expect(await page.locator('h1').textContent()).toContain('User added: Jo Newcombe');
    const temporary = (await page.locator('#temporary-password').textContent()) ?? '';
    expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await expectAccessible(page, 'user added');

    const newcomer = await h.newPage();
    await signIn(newcomer, 'jo.newcombe@lantern.invalid', temporary);
    expect(new URL(newcomer.url()).pathname).toBe('/sign-in/change-password');
    await expectAccessible(newcomer, 'choose a new password');
    await newcomer.getByLabel('New password', { exact: true }).fill('short');
    await newcomer.getByLabel('Confirm new password').fill('different');
    await newcomer.getByRole('button', { name: 'Save password' }).click();
    expect(await newcomer.locator('.govuk-error-summary').textContent()).toContain('12 characters or more');
    await expectAccessible(newcomer, 'choose a new password with errors');
    await newcomer.getByLabel('New password', { exact: true }).fill('a long enough passphrase');
    await newcomer.getByLabel('Confirm new password').fill('a long enough passphrase');
    await newcomer.getByRole('button', { name: 'Save password' }).click();
    expect(await newcomer.locator('h1').textContent()).toBe('Home');
    expect(await newcomer.locator('.lantern-user-bar').textContent()).toContain('Jo Newcombe');
  });

  it('an administrator disables a leaver, whose session ends at once', async () => {
    const leaver = await h.newPage();
    await signIn(leaver, 'coordinator@lantern.invalid', DEMO_PASSWORD);
    expect(await leaver.locator('h1').textContent()).toBe('Home');

    const admin = await h.newPage();
    await signIn(admin, 'agency.admin@lantern.invalid', DEMO_PASSWORD);
    await admin.goto('/admin/users');
    await admin.getByRole('link', { name: 'Dan Whitlow' }).click();
    await expectAccessible(admin, 'a user');
    await admin.getByRole('button', { name: 'Disable account' }).click();
    expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Account disabled');
    await expectAccessible(admin, 'user disabled');

    await leaver.reload();
    expect(new URL(leaver.url()).pathname).toBe('/sign-in');
  });

  it('shows agencies, the account page and API tokens accessibly', async () => {
    const page = await h.newPage();
    await signIn(page, 'hub.admin@lantern.invalid', DEMO_PASSWORD);
    await page.goto('/admin/agencies');
    await expectAccessible(page, 'agencies');
    await page.getByRole('button', { name: 'Add an agency' }).click();
    await page.getByRole('button', { name: 'Add agency' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter the agency’s name');
    await expectAccessible(page, 'add an agency with errors');
    await page.getByLabel('Name', { exact: true }).fill('Humberside Police');
    await page.getByRole('radio', { name: 'Police force' }).check();
    await page.getByRole('combobox', { name: 'Police force' }).selectOption({ label: 'Humberside' });
    await page.getByRole('button', { name: 'Add agency' }).click();
    expect(await page.locator('h1').textContent()).toBe('Humberside Police');
    await expectAccessible(page, 'an agency');

    await page.goto('/account');
    await expectAccessible(page, 'account');
    for (const path of ['/accessibility', '/privacy', '/cookies', '/api/docs', '/no/such/page']) {
      await page.goto(path);
      await expectAccessible(page, path);
    }

    const officer = await h.newPage();
    await signIn(officer, 'police.mash@lantern.invalid', DEMO_PASSWORD);
    await officer.goto('/account/api-tokens');
    await expectAccessible(officer, 'API tokens');
    await officer.getByRole('button', { name: 'Create token' }).click();
    expect(await officer.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a name for the token',
    );
    await expectAccessible(officer, 'API tokens with errors');
    await officer.getByLabel('Name of the new token').fill('Force control room');
    await officer.getByRole('button', { name: 'Create token' }).click();
    const token = (await officer.locator('#new-token').textContent()) ?? '';
    expect(token.startsWith('lnt_')).toBe(true);
    await expectAccessible(officer, 'API token created');
    const api = await officer.request.get(`${h.baseUrl}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.status()).toBe(200);
  });
});
