import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/audit';
import type { Context } from '../context';
import type { Tx } from '../db/client';
import type { WithTransaction } from '../db/transaction';
import { NotFoundError, ValidationError } from '../http/errors';
import { type DraftFields, formDraft } from './tables';

/** The most a draft may hold, as JSON: far more than any form's fields at their longest. */
const MAX_DRAFT_CHARS = 200_000;
/** Fields a posted form carries that are not answers. */
const NOT_ANSWERS = new Set(['_csrf', 'action']);

export interface Draft {
  id: string;
  fields: DraftFields;
  savedAt: Date;
}

/** A form's key: its name and the record it is about, e.g. `return-interview:<id>`. */
export const draftKey = (form: 'return-interview' | 'strategy-discussion' | 'screening', recordId: string) =>
  `${form}:${recordId}`;

/** The answers of a posted form, as a draft keeps them: strings and lists of strings only. */
export function draftFieldsOf(body: unknown): DraftFields {
  const fields: DraftFields = {};
  if (!body || typeof body !== 'object') return fields;
  for (const [name, value] of Object.entries(body)) {
    if (NOT_ANSWERS.has(name)) continue;
    if (typeof value === 'string') fields[name] = value;
    else if (Array.isArray(value)) fields[name] = value.filter((v): v is string => typeof v === 'string');
  }
  return fields;
}

/**
 * Drafts of long forms. Each belongs to its author alone: every query is by the actor's own id, so
 * nobody else can load, overwrite or discard it. Saving happens inside the form's own service, in
 * the transaction where that service has checked the actor may fill in the form; the audit row
 * names the draft and the child, never what the draft says.
 */
export class DraftsService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** Saves the actor's draft of a form, replacing any earlier one. Call it after the form's access check. */
  async save(tx: Tx, ctx: Context, key: string, fields: DraftFields, childId?: string): Promise<Draft> {
    if (!ctx.actor) throw new NotFoundError();
    if (JSON.stringify(fields).length > MAX_DRAFT_CHARS) {
      throw new ValidationError([{ field: 'form', message: 'The draft is too long to save' }]);
    }
    const savedAt = ctx.clock.now();
    const [row] = await tx
      .insert(formDraft)
      .values({ userId: ctx.actor.userId, formKey: key, fields, savedAt })
      .onConflictDoUpdate({ target: [formDraft.userId, formDraft.formKey], set: { fields, savedAt } })
      .returning({ id: formDraft.id });
    if (!row) throw new Error('draft upsert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'draft.save',
      subjectType: 'form_draft',
      subjectId: row.id,
      childId,
    });
    return { id: row.id, fields, savedAt };
  }

  /** The actor's own draft of a form, if they have one. */
  async load(ctx: Context, key: string): Promise<Draft | null> {
    if (!ctx.actor) return null;
    const userId = ctx.actor.userId;
    const [row] = await this.withTransaction((tx) =>
      tx
        .select({ id: formDraft.id, fields: formDraft.fields, savedAt: formDraft.savedAt })
        .from(formDraft)
        .where(and(eq(formDraft.userId, userId), eq(formDraft.formKey, key))),
    );
    return row ?? null;
  }

  /** Discards the actor's own draft of a form; nothing happens when there is none. */
  async discard(tx: Tx, ctx: Context, key: string, childId?: string): Promise<void> {
    if (!ctx.actor) throw new NotFoundError();
    const gone = await tx
      .delete(formDraft)
      .where(and(eq(formDraft.userId, ctx.actor.userId), eq(formDraft.formKey, key)))
      .returning({ id: formDraft.id });
    for (const d of gone) {
      await recordAudit(tx, ctx, {
        action: 'draft.discard',
        subjectType: 'form_draft',
        subjectId: d.id,
        childId,
      });
    }
  }

  /**
   * Deletes drafts once the form is submitted, in the submitting transaction: the submitter's own,
   * or everyone's when the submission finishes the record and the form can no longer be sent.
   */
  async clear(tx: Tx, ctx: Context, key: string, whose: 'own' | 'everyone'): Promise<void> {
    const mine = ctx.actor ? eq(formDraft.userId, ctx.actor.userId) : undefined;
    if (whose === 'own' && !mine) return;
    await tx.delete(formDraft).where(and(eq(formDraft.formKey, key), whose === 'own' ? mine : undefined));
  }
}
