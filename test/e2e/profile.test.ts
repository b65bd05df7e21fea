import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../support/app';
import { type BrowserHarness, expectAccessible, signIn, startBrowserHarness } from '../support/browser';
import { contextFor } from '../support/contexts';
import { jpegWithMetadata } from '../support/images';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe('the Philomena profile', () => {
  it('is filled in, with errors shown accessibly, and prints on one A4 page', async () => {
    const practitioner = 'social.mash@lantern.invalid';
    const childId = await h.services.children.create(await contextFor(h, practitioner), {
      givenName: 'Morgan',
      familyName: 'Profileton',
      dateOfBirth: '2011-02-14',
      lookedAfter: false,
    });
    const page = await h.newPage();
    await signIn(page, practitioner, DEMO_PASSWORD);
    await page.goto(`/children/${childId}`);
    await page.getByRole('link', { name: 'Philomena profile' }).click();
    expect(await page.locator('h1').textContent()).toBe('Philomena profile');
    await expectAccessible(page, 'empty profile');

    await page.getByRole('link', { name: 'Change the description and needs' }).first().click();
    await page.getByLabel('Height (optional)').fill('x'.repeat(120));
    await page.getByLabel('Hair (optional)').fill('Red, cut short');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Height must be 100 characters or fewer',
    );
    expect(await page.getByLabel('Hair (optional)').inputValue()).toBe('Red, cut short');
    await expectAccessible(page, 'description with errors');
    await page.getByLabel('Height (optional)').fill('155 cm');
    await page.getByLabel('Medication (optional)').fill('Inhaler twice a day');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.locator('main').textContent()).toContain('Inhaler twice a day');

    await page.getByRole('link', { name: 'Add a phone' }).click();
    await page.getByLabel('Phone number').fill('123');
    await page.getByRole('button', { name: 'Add' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter a real phone number');
    await expectAccessible(page, 'phone with errors');
    await page.getByLabel('Phone number').fill('07700900456');
    await page.getByRole('button', { name: 'Add' }).click();
    expect(await page.locator('#phones + table').textContent()).toContain('07700 900456');

    await page.getByRole('link', { name: 'Add a photo' }).click();
    await expectAccessible(page, 'photo upload');
    await page.getByLabel('Photo').setInputFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not really a picture'),
    });
    await page.getByRole('button', { name: 'Upload the photo' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'The photo must be a JPEG or PNG image',
    );
    await expectAccessible(page, 'photo upload with errors');
    await page.getByLabel('Photo').setInputFiles({
      name: 'morgan.jpg',
      mimeType: 'image/jpeg',
      buffer: jpegWithMetadata(240, 320),
    });
    await page.getByRole('button', { name: 'Upload the photo' }).click();
    const photo = page.getByRole('img', { name: 'Photo of Morgan Profileton' });
    expect(await photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(
      240,
    );
    await expectAccessible(page, 'profile with photo');

    await page.getByRole('button', { name: 'Print the profile sheet' }).click();
    expect(await page.locator('h1').textContent()).toContain('Morgan Profileton');
    await expectAccessible(page, 'printable sheet');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.govuk-service-navigation').isVisible()).toBe(false);
    expect(await page.locator('#marking-top').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBe(1);
  });
});
