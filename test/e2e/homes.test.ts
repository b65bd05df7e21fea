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

const header = 'urn,name,provider,address,postcode,local_authority,registered_places,status';

describe('importing the homes register', () => {
  it('uploads a file, lists the bad rows, then checks and imports a good file', async () => {
    const page = await h.newPage();
    await signIn(page, 'hub.admin@lantern.invalid', DEMO_PASSWORD);
    await page.goto('/homes/import');
    await expectAccessible(page, 'import page');
    await page.getByLabel('Register file (CSV)').setInputFiles({
      name: 'register.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `${header}\nSC200001,Elm Lodge,Provider,1 Road,LS1 4DY,Leeds,3,active\nbad,,,,,,x,\n`,
      ),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      '1 rows have problems; nothing was imported',
    );
    expect(await page.getByRole('table', { name: 'Rows with problems' }).textContent()).toContain(
      'Name is missing',
    );
    await expectAccessible(page, 'import with bad rows');

    await page.getByLabel('Register file (CSV)').setInputFiles({
      name: 'register.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\nSC200001,Elm Lodge,Provider,1 Road,LS1 4DY,Leeds,3,active\n`),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    expect(await page.locator('main').textContent()).toContain('Checked: nothing is saved yet');
    await expectAccessible(page, 'import checked');
    await page.getByRole('button', { name: 'Import 1 homes' }).click();
    expect(await page.locator('main').textContent()).toContain('Register imported');
    await page.goto('/homes');
    await expectAccessible(page, 'homes');
    await page.getByRole('link', { name: 'Elm Lodge' }).click();
    expect(await page.locator('h1').textContent()).toBe('Elm Lodge');
    await expectAccessible(page, 'a home');
  });
});
