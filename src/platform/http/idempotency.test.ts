import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { idempotencyKey } from './tables';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await buildTestApp();
  ({ token } = await t.services.apiTokens.create(
    await contextFor(t, 'police.mash@lantern.invalid'),
    'force system',
  ));
});
afterAll(async () => {
  await t.close();
});

const post = (payload: object, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/children',
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });

describe('Idempotency-Key', () => {
  it('answers a retry with the first response and makes no second change', async () => {
    const ctx = await contextFor(t, 'police.mash@lantern.invalid');
    const before = (await t.services.children.list(ctx)).rows.length;
    const body = { givenName: 'Retry', familyName: 'Once' };
    const first = await post(body, 'c0ffee-1');
    const again = await post(body, 'c0ffee-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect((await t.services.children.list(ctx)).rows.length).toBe(before + 1);
  });

  it('refuses the same key for a different request, and a malformed key', async () => {
    await post({ givenName: 'Key', familyName: 'Owner' }, 'c0ffee-2');
    const clash = await post({ givenName: 'Other', familyName: 'Body' }, 'c0ffee-2');
    expect(clash.statusCode).toBe(422);
    expect(clash.headers['content-type']).toMatch(/^application\/problem\+json/);
    const bad = await post({ givenName: 'Bad', familyName: 'Key' }, 'has spaces in it');
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a retried invalid request the same way, saving nothing', async () => {
    const first = await post({ givenName: 'No family name' }, 'c0ffee-3');
    const again = await post({ givenName: 'No family name' }, 'c0ffee-3');
    expect(first.statusCode).toBe(400);
    expect(again.statusCode).toBe(400);
  });

  it('carries out two simultaneous requests with one key once: the key is claimed with the change', async () => {
    const ctx = await contextFor(t, 'police.mash@lantern.invalid');
    const count = async () =>
      (await t.services.children.list(ctx)).rows.filter((c) => c.familyName === 'Simultaneous').length;
    const body = { givenName: 'Twice', familyName: 'Simultaneous' };
    const answers = await Promise.all([
      post(body, 'c0ffee-4'),
      post(body, 'c0ffee-4'),
      post(body, 'c0ffee-4'),
    ]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    // The others are replays of the first answer or told a request with the key is under way.
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(answers.filter((a) => a.statusCode === 201).map((a) => a.json().id));
    expect(ids.size).toBe(1);
    expect(await count()).toBe(1);
  });

  it('tells a retry whose first answer was lost that the request was carried out, and makes no second change', async () => {
    const ctx = await contextFor(t, 'police.mash@lantern.invalid');
    const body = { givenName: 'Answer', familyName: 'Lost' };
    expect((await post(body, 'c0ffee-5')).statusCode).toBe(201);
    // As a process killed between COMMIT and storing the answer leaves it: claimed, no answer.
    await t.services.withTransaction((tx) =>
      tx.update(idempotencyKey).set({ status: 0, body: '' }).where(eq(idempotencyKey.key, 'c0ffee-5')),
    );
    const retry = await post(body, 'c0ffee-5');
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(retry.json().detail).toContain('carried out');
    const lost = (await t.services.children.list(ctx)).rows.filter((c) => c.familyName === 'Lost');
    expect(lost.length).toBe(1);
  });
});
