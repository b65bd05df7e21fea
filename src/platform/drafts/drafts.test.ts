import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { auditEvent, auditReason } from '../audit/tables';
import type { Context } from '../context';
import { draftFieldsOf, draftKey } from './drafts.service';
import { formDraft } from './tables';

let t: TestApp;
let author: Context;
let colleague: Context;

beforeAll(async () => {
  t = await buildTestApp();
  author = await contextFor(t, 'social.mash@lantern.invalid');
  colleague = await contextFor(t, 'missing.lead@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const save = (ctx: Context, key: string, fields: Record<string, string | string[]>) =>
  t.services.withTransaction((tx) => t.services.drafts.save(tx, ctx, key, fields));

describe('drafts of long forms', () => {
  it('keeps the author’s answers as typed, and a second save replaces the first', async () => {
    const key = draftKey('screening', randomUUID());
    t.clock.set('2026-04-01T10:00:00Z');
    await save(author, key, { notes: 'First thoughts' });
    t.clock.set('2026-04-01T10:05:00Z');
    await save(author, key, { notes: 'Second thoughts', attended: ['a', 'b'] });
    const draft = await t.services.drafts.load(author, key);
    expect(draft?.fields).toEqual({ notes: 'Second thoughts', attended: ['a', 'b'] });
    expect(draft?.savedAt.toISOString()).toBe('2026-04-01T10:05:00.000Z');
    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(formDraft).where(eq(formDraft.formKey, key)),
    );
    expect(rows).toHaveLength(1);
  });

  it('belongs to its author alone: a colleague loads nothing and keeps a draft of their own', async () => {
    const key = draftKey('screening', randomUUID());
    await save(author, key, { notes: 'Mine' });
    expect(await t.services.drafts.load(colleague, key)).toBeNull();
    await save(colleague, key, { notes: 'Theirs' });
    expect((await t.services.drafts.load(author, key))?.fields).toEqual({ notes: 'Mine' });
    expect((await t.services.drafts.load(colleague, key))?.fields).toEqual({ notes: 'Theirs' });
    // A colleague discarding "the draft" discards only their own.
    await t.services.withTransaction((tx) => t.services.drafts.discard(tx, colleague, key));
    expect(await t.services.drafts.load(colleague, key)).toBeNull();
    expect((await t.services.drafts.load(author, key))?.fields).toEqual({ notes: 'Mine' });
  });

  it('is audited as a save and a discard by opaque id, never with what it says', async () => {
    const key = draftKey('strategy-discussion', randomUUID());
    const saved = await save(author, key, { decisions: 'Secret words' });
    await t.services.withTransaction((tx) => t.services.drafts.discard(tx, author, key));
    expect(await t.services.drafts.load(author, key)).toBeNull();
    const events = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.subjectId, saved.id)),
    );
    expect(events.map((e) => e.action).sort()).toEqual(['draft.discard', 'draft.save']);
    expect(events.every((e) => e.reasonId === null)).toBe(true);
    const reasons = await t.services.withTransaction((tx) => tx.select().from(auditReason));
    expect(reasons.some((r) => r.text.includes('Secret words'))).toBe(false);
  });

  it('is cleared on submission: the submitter’s own, or everyone’s when the form is finished for good', async () => {
    const key = draftKey('return-interview', randomUUID());
    await save(author, key, { whyLeft: 'A' });
    await save(colleague, key, { whyLeft: 'B' });
    await t.services.withTransaction((tx) => t.services.drafts.clear(tx, author, key, 'own'));
    expect(await t.services.drafts.load(author, key)).toBeNull();
    expect(await t.services.drafts.load(colleague, key)).not.toBeNull();
    await save(author, key, { whyLeft: 'A again' });
    await t.services.withTransaction((tx) => t.services.drafts.clear(tx, author, key, 'everyone'));
    expect(await t.services.drafts.load(author, key)).toBeNull();
    expect(await t.services.drafts.load(colleague, key)).toBeNull();
  });

  it('keeps only the answers of a posted form, not its token or button', () => {
    expect(draftFieldsOf({ _csrf: 'x', action: 'draft', notes: 'n', attended: ['a', 'b'] })).toEqual({
      notes: 'n',
      attended: ['a', 'b'],
    });
  });

  it('refuses to save without a signed-in author', async () => {
    const key = draftKey('screening', randomUUID());
    await expect(save({ ...author, actor: null }, key, { notes: 'x' })).rejects.toThrow('Not found');
  });
});
