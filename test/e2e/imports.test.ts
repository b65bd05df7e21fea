import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe('imports and row-level downloads', () => {
  it('imports police reports through the mapping and the dry run, and an analyst downloads pseudonymised rows', async () => {
    h.clock.set('2026-03-02T10:00:00Z');
    const police = await contextFor(h, 'police.mash@lantern.invalid');
    await h.services.children.create(police, {
      givenName: 'Example',
      familyName: 'Imported',
      dateOfBirth: '2011-06-01',
      policePersonId: 'WY-E2E-1',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    const file = path.join(tmpdir(), `lantern-import-${process.pid}.csv`);
    writeFileSync(
      file,
      [
        'Incident reference,Nominal ID,Category,Time last seen,Reported,Time returned,Risk level',
        'E2E-1,WY-E2E-1,Missing,05/01/2026 18:00,05/01/2026 18:30,06/01/2026 08:00,Medium',
        'E2E-2,WY-E2E-NOBODY,Missing,07/01/2026 18:00,07/01/2026 18:30,08/01/2026 08:00,Low',
        'E2E-3,WY-E2E-1,Absent,09/01/2026 18:00,09/01/2026 18:30,09/01/2026 08:00,Extreme',
      ].join('\n'),
    );

    const coordinator = await h.newPage();
    await signIn(coordinator, 'coordinator@lantern.invalid', DEMO_PASSWORD);
    await coordinator.goto('/reports/imports');
    await expectAccessible(coordinator, 'import upload');
    await coordinator.getByRole('button', { name: 'Continue' }).click();
    expect(await coordinator.locator('.govuk-error-summary').textContent()).toContain(
      'Select a CSV file of reports',
    );
    await expectAccessible(coordinator, 'import upload with an error');

    await coordinator.getByLabel('Reports file (CSV)').setInputFiles(file);
    await coordinator.getByRole('button', { name: 'Continue' }).click();
    expect(await coordinator.locator('h1').textContent()).toContain('Choose the columns');
    await expectAccessible(coordinator, 'import mapping');
    // "Time last seen" and "Time returned" are not guessed: the mapping form is where they are chosen.
    await coordinator.getByRole('button', { name: 'Check the reports' }).click();
    expect(await coordinator.locator('.govuk-error-summary').textContent()).toContain(
      'Select the column that holds the last seen (started at)',
    );
    await expectAccessible(coordinator, 'import mapping with an error');
    await coordinator.getByLabel('Last seen (started at)').selectOption('Time last seen');
    await coordinator.getByLabel('Found or returned (ended at) (optional)').selectOption('Time returned');
    await coordinator.getByRole('button', { name: 'Check the reports' }).click();
    const summary = await coordinator.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('2 rows have problems');
    const table = await coordinator.locator('#problems').textContent();
    expect(table).toContain('unknown child');
    expect(table).toContain('end before start');
    await expectAccessible(coordinator, 'import dry run with errors');

    // The corrected file: checked, then confirmed.
    writeFileSync(
      file,
      [
        'Incident reference,Nominal ID,Category,Last seen,Reported,Returned,Risk level',
        'E2E-1,WY-E2E-1,Missing,05/01/2026 18:00,05/01/2026 18:30,06/01/2026 08:00,Medium',
      ].join('\n'),
    );
    await coordinator.goto('/reports/imports');
    await coordinator.getByLabel('Reports file (CSV)').setInputFiles(file);
    await coordinator.getByRole('button', { name: 'Continue' }).click();
    await coordinator.getByRole('button', { name: 'Check the reports' }).click();
    expect(await coordinator.locator('main').textContent()).toContain('Every row is good');
    await expectAccessible(coordinator, 'import checked');
    await coordinator.getByRole('button', { name: 'Import 1 new report', exact: true }).click();
    expect(await coordinator.locator('.govuk-panel').textContent()).toContain('1 new, 0 unchanged');
    await expectAccessible(coordinator, 'import done');

    const analyst = await h.newPage();
    await signIn(analyst, 'analyst@lantern.invalid', DEMO_PASSWORD);
    await analyst.goto('/reports/rows');
    await expectAccessible(analyst, 'row-level download form');
    await analyst.getByLabel('Day').first().fill('31');
    await analyst.getByLabel('Month').first().fill('2');
    await analyst.getByRole('button', { name: 'Download CSV' }).click();
    expect(await analyst.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the first date as a real date',
    );
    await expectAccessible(analyst, 'row-level download form with an error');
  });
});
