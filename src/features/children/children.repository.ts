import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { accessRow, childVisibleTo, type GrantAccess } from '../../platform/access/child-access';
import { child, childAccess } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { phoneticCodes } from './names';
import { childAlias, childCorrection, childSearchName } from './tables';

export type ChildRow = typeof child.$inferSelect;

export async function insertChild(tx: Tx, values: typeof child.$inferInsert): Promise<string> {
  const [row] = await tx.insert(child).values(values).returning({ id: child.id });
  if (!row) throw new Error('child insert returned nothing');
  return row.id;
}

export async function updateChild(
  tx: Tx,
  id: string,
  values: Partial<typeof child.$inferInsert>,
): Promise<void> {
  forgetChildren(tx);
  await tx.update(child).set(values).where(eq(child.id, id));
}

export async function insertCorrection(tx: Tx, values: typeof childCorrection.$inferInsert): Promise<void> {
  await tx.insert(childCorrection).values(values);
}

/** A child's corrections, newest first, with who made each and their agency. */
export async function correctionsOf(tx: Tx, childId: string) {
  return tx
    .select({ correction: childCorrection, by: appUser.name, agency: agency.name })
    .from(childCorrection)
    .leftJoin(appUser, eq(appUser.id, childCorrection.correctedByUserId))
    .innerJoin(agency, eq(agency.id, childCorrection.correctedByAgencyId))
    .where(eq(childCorrection.childId, childId))
    .orderBy(desc(childCorrection.correctedAt));
}

export async function grantAccess(tx: Tx, grant: GrantAccess): Promise<void> {
  forgetChildren(tx);
  await tx.insert(childAccess).values(accessRow(grant));
}

export async function insertAliases(
  tx: Tx,
  childId: string,
  aliases: { givenName: string; familyName: string }[],
  at: Date,
): Promise<void> {
  if (aliases.length === 0) return;
  await tx.insert(childAlias).values(aliases.map((a) => ({ childId, ...a, createdAt: at })));
}

/** Rebuilds the phonetic search rows of one child from its name and aliases. */
export async function refreshSearchNames(tx: Tx, childId: string): Promise<void> {
  await tx.delete(childSearchName).where(eq(childSearchName.childId, childId));
  const [main] = await tx.select().from(child).where(eq(child.id, childId));
  if (!main) return;
  const aliases = await tx.select().from(childAlias).where(eq(childAlias.childId, childId));
  const names = [
    { givenName: main.givenName, familyName: main.familyName, source: 'name' as const },
    ...aliases.map((a) => ({ givenName: a.givenName, familyName: a.familyName, source: 'alias' as const })),
  ];
  await tx.insert(childSearchName).values(
    names.map((n) => ({
      childId,
      givenName: n.givenName,
      familyName: n.familyName,
      givenCodes: phoneticCodes(n.givenName),
      familyCodes: phoneticCodes(n.familyName),
      source: n.source,
    })),
  );
}

/** Children already read in a transaction, by actor and id: a page's services check once. */
const seen = new WeakMap<Tx, Map<string, ChildRow | null>>();

/**
 * The child if the actor may see it (DESIGN §5), else null. Within one transaction the answer is
 * kept, so a page that gathers ten services' records about one child checks access once; any
 * write to the child forgets it.
 */
export async function findVisibleChild(tx: Tx, ctx: Context, id: string): Promise<ChildRow | null> {
  const key = `${ctx.actor?.userId ?? ''}:${ctx.actor?.agencyId ?? ''}:${ctx.permissions.has('child:view')}:${id}`;
  let known = seen.get(tx);
  if (known?.has(key)) return known.get(key) ?? null;
  const [row] = await tx
    .select()
    .from(child)
    .where(and(eq(child.id, id), childVisibleTo(ctx, child.id)));
  if (!known) {
    known = new Map();
    seen.set(tx, known);
  }
  known.set(key, row ?? null);
  return row ?? null;
}

/** After a write to a child, later reads in the transaction go to the database again. */
export function forgetChildren(tx: Tx): void {
  seen.delete(tx);
}

export async function aliasesOf(tx: Tx, childId: string) {
  return tx
    .select({ givenName: childAlias.givenName, familyName: childAlias.familyName })
    .from(childAlias)
    .where(eq(childAlias.childId, childId))
    .orderBy(asc(childAlias.createdAt));
}

/** Children in name order, from after `cursor` (family name, given name, id). */
export async function listChildren(
  tx: Tx,
  visible: SQL,
  cursor: (string | number | null)[] | null,
  limit: number,
) {
  return tx
    .select()
    .from(child)
    .where(
      and(
        visible,
        cursor
          ? sql`(${child.familyName}, ${child.givenName}, ${child.id}) > (${String(cursor[0])}, ${String(cursor[1])}, ${String(cursor[2])}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(child.familyName), asc(child.givenName), asc(child.id))
    .limit(limit);
}

/**
 * Candidates for a name search: any name or alias sharing a sound code or the first letters. Names
 * spelt exactly as searched come first, so the cap never drops them for a common name.
 */
export async function nameCandidates(
  tx: Tx,
  visible: SQL,
  codes: string[],
  prefix: string,
  words: string[],
  limit = 500,
) {
  const wordArray = `{${words.map((w) => `"${w.replaceAll('"', '')}"`).join(',')}}`;
  const codeArray = `{${codes.map((c) => `"${c}"`).join(',')}}`;
  return tx
    .select({
      childId: childSearchName.childId,
      givenName: childSearchName.givenName,
      familyName: childSearchName.familyName,
      source: childSearchName.source,
    })
    .from(childSearchName)
    .innerJoin(child, eq(child.id, childSearchName.childId))
    .where(
      and(
        visible,
        or(
          sql`${childSearchName.familyCodes} && ${codeArray}::text[]`,
          sql`${childSearchName.givenCodes} && ${codeArray}::text[]`,
          prefix ? sql`lower(${childSearchName.familyName}) like ${`${prefix}%`}` : undefined,
        ),
      ),
    )
    .orderBy(
      sql`(lower(${childSearchName.familyName}) = any(${wordArray}::text[])
        or lower(${childSearchName.givenName}) = any(${wordArray}::text[])) desc`,
    )
    .limit(limit);
}

export async function childrenByIds(tx: Tx, ids: string[], visible: SQL) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(child)
    .where(and(inArray(child.id, ids), visible));
}

export async function childrenWhere(tx: Tx, condition: SQL, visible: SQL, limit = 50) {
  return tx
    .select()
    .from(child)
    .where(and(condition, visible))
    .orderBy(asc(child.familyName), asc(child.givenName))
    .limit(limit);
}
