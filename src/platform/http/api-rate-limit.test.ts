import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function statuses(limit: number, calls: number): Promise<number[]> {
  t = await buildTestApp({ apiRateLimitPerMinute: limit });
  const { token } = await t.services.apiTokens.create(
    await contextFor(t, 'social.mash@lantern.invalid'),
    'limit',
  );
  const out: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const r = await t.app.inject({ url: '/api/v1/notices', headers: { authorization: `Bearer ${token}` } });
    out.push(r.statusCode);
  }
  return out;
}

describe('the API rate limit', () => {
  it('refuses calls over the limit per address with 429', async () => {
    expect(await statuses(3, 5)).toEqual([200, 200, 200, 429, 429]);
  });

  it('is left to a gateway in front when set to 0', async () => {
    expect(await statuses(0, 5)).toEqual([200, 200, 200, 200, 200]);
  });
});
