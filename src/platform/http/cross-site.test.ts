import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { isCrossSite } from './cross-site';

const BASE = 'https://lantern.example.org';

describe('isCrossSite', () => {
  it('judges a request by its Origin and Sec-Fetch-Site headers', () => {
    expect(isCrossSite({ origin: 'https://evil.example' }, 'lantern.example.org', BASE)).toBe(true);
    expect(isCrossSite({ 'sec-fetch-site': 'cross-site' }, 'lantern.example.org', BASE)).toBe(true);
    expect(isCrossSite({ origin: 'not a url' }, 'lantern.example.org', BASE)).toBe(true);
    expect(isCrossSite({ origin: 'https://lantern.example.org' }, 'internal:3000', BASE)).toBe(false);
    expect(isCrossSite({ origin: 'http://internal:3000' }, 'internal:3000', BASE)).toBe(false);
    expect(isCrossSite({ origin: 'null', 'sec-fetch-site': 'same-origin' }, 'x', BASE)).toBe(false);
    expect(isCrossSite({}, 'lantern.example.org', BASE)).toBe(false);
  });
});

describe('cross-site page requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a form sent from another site even with the right token, and accepts it from this one', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('hub.admin@lantern.invalid');
    await browser.get('/');
    const form = new URLSearchParams({ _csrf: browser.csrfToken }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const evil = await browser.request({
      method: 'POST',
      url: '/sign-out',
      payload: form,
      headers: { ...headers, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(evil.statusCode).toBe(403);
    expect(evil.body).toContain('Your form has expired');
    expect((await browser.get('/')).statusCode).toBe(200);
    const own = await browser.request({
      method: 'POST',
      url: '/sign-out',
      payload: form,
      headers: { ...headers, origin: 'null', 'sec-fetch-site': 'same-origin' },
    });
    expect(own.statusCode).toBe(303);
    expect((await browser.get('/')).headers.location).toBe('/sign-in');
  });
});
