import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceColumns } from '../../src/features/training/csv-import';
import { providerWithHome } from '../../src/features/training/training.fixtures';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const header = attendanceColumns.join(',');
const rows = [
  'Ada,Example,ada.example@lantern.invalid,SC700001,home staff,Recognising grooming and exploitation,15/01/2026,01/09/2024',
  'Ben,Sample,,SC700001,home staff,Children who go missing: what to do,20/02/2025,',
  'Cal,Specimen,,SC700001,home staff,Recognising grooming and exploitation,10/01/2023,',
];
const file = (lines: string[]) => ({
  name: 'attendance.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(`${[header, ...lines].join('\n')}\n`),
});

describe('training on the warning signs', () => {
  it('an organisation’s administrator imports attendance, fixes a bad row and sees the home’s share', async () => {
    const { adminEmail } = await providerWithHome(h.services.withTransaction, h.clock.now(), DEMO_PASSWORD);
    const page = await h.newPage();
    await signIn(page, adminEmail, DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Training' }).click();
    expect(await page.locator('h1').textContent()).toBe('Training on the warning signs');
    expect(await page.locator('main').textContent()).toContain('No current staff recorded');
    await expectAccessible(page, 'training, nothing recorded');

    await page.getByRole('button', { name: 'Import attendance from a file' }).click();
    await expectAccessible(page, 'import page');
    await page
      .getByLabel('Attendance file (CSV)')
      .setInputFiles(
        file([...rows, 'Dee,Example,,SC700001,pilot,Recognising grooming and exploitation,01/02/2026,']),
      );
    await page.getByRole('button', { name: 'Check the file' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      '1 row has problems; nothing was imported',
    );
    const problems = await page.getByRole('table', { name: 'Rows with problems' }).textContent();
    expect(problems).toContain('5');
    expect(problems).toContain('Sector must be one of');
    await expectAccessible(page, 'import with a bad row');

    await page
      .getByLabel('Attendance file (CSV)')
      .setInputFiles(
        file([...rows, 'Dee,Example,,SC700001,other,Recognising grooming and exploitation,01/02/2026,']),
      );
    await page.getByRole('button', { name: 'Check the file' }).click();
    expect(await page.locator('main').textContent()).toContain('Checked: nothing is saved yet');
    await expectAccessible(page, 'import checked');
    await page.getByRole('button', { name: 'Import 4 rows' }).click();
    expect(await page.locator('.govuk-panel').textContent()).toContain('4 courses recorded, 4 staff added');
    await expectAccessible(page, 'import done');

    await page.getByRole('link', { name: 'See your organisation’s training' }).click();
    // Cal's course ran out in January 2025: three of the four are trained now.
    expect(await page.locator('[data-share="organisation"]').textContent()).toContain('3 of 4 staff, 75%');
    const homes = await page.getByRole('table', { name: 'Each home’s current staff trained' }).textContent();
    expect(homes).toContain('Willow House (SC700001)');
    expect(homes).toContain('75%');
    expect(await page.getByRole('table', { name: /Training that has run out/ }).textContent()).toContain(
      'Cal Specimen',
    );
    await expectAccessible(page, 'training with shares');

    await page.getByRole('link', { name: 'Cal Specimen' }).first().click();
    expect(await page.locator('h1').textContent()).toBe('Cal Specimen');
    await page.getByRole('button', { name: 'Record the course' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Select the course');
    await expectAccessible(page, 'staff member with errors');
    await page
      .getByLabel('Course', { exact: true })
      .selectOption({ label: 'Recognising grooming and exploitation (valid for 24 months)' });
    await page.getByRole('group', { name: 'When was it completed?' }).getByLabel('Day').fill('1');
    await page.getByRole('group', { name: 'When was it completed?' }).getByLabel('Month').fill('3');
    await page.getByRole('group', { name: 'When was it completed?' }).getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Record the course' }).click();
    expect(await page.locator('main').textContent()).toContain('1 March 2028');
    await expectAccessible(page, 'staff member');
    await page.goto('/training');
    expect(await page.locator('[data-share="organisation"]').textContent()).toContain('4 of 4 staff, 100%');
  });
});
