import { and, desc, eq, gt, inArray, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { decodeCursor, PAGE_SIZE, type Page, pageOf } from '../../platform/http/pagination';
import { foldName, nameSimilarity, phoneticCodes } from '../children/names';
import { location } from '../locations/tables';
import { type Acting, type LinkObserver, type LinkRow, linkVisibleTo } from './intelligence.service';
import { areNameVariants } from './nicknames';
import { partialMatches } from './normalise';
import { type EntityKind, intelCandidate, intelEntity, intelLink, intelMerge } from './tables';

/** One reason two entities may be the same, with what it adds to (or takes from) the score. */
export interface Reason {
  reason: string;
  weight: number;
}

/** Pairs scoring at least this are proposed; below it they are left alone. */
export const CANDIDATE_THRESHOLD = 0.4;

/** How many entities one entity is compared with, at most: candidate finding stays bounded at national size. */
const BLOCK_LIMIT = 300;

export type CandidateList = 'open' | 'unsure' | 'merged';
export const candidateLists: readonly CandidateList[] = ['open', 'unsure', 'merged'];

export const decisionInput = z
  .object({
    decision: z.enum(['match', 'not_match', 'unsure'], {
      error: 'Select whether these are the same',
    }),
    survivorId: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.uuid('Select which record stays').optional(),
    ),
  })
  .strip();

const round2 = (n: number) => Math.round(n * 100) / 100;
const clampScore = (reasons: Reason[]) =>
  round2(
    Math.min(
      1,
      Math.max(
        0,
        reasons.reduce((sum, r) => sum + r.weight, 0),
      ),
    ),
  );
const normalisePostcode = (p: string | null | undefined) => (p ? p.toUpperCase().replace(/\s+/g, '') : null);
const tokens = (name: string) =>
  foldName(name)
    .split(/[\s-]+/)
    .filter(Boolean);
const YEAR_MS = 365.2425 * 24 * 3600 * 1000;

// ---- Scoring (pure) ------------------------------------------------------------------------------

/** What resolution knows about a person of concern. */
export interface PersonFacts {
  id: string;
  names: string[];
  dateOfBirth: string | null;
  approximateAge: number | null;
  createdAt: Date;
  phones: Set<string>;
  registrations: Set<string>;
  homePostcodes: Set<string>;
}

/** Age in whole years on `on` of someone born on `dateOfBirth` (YYYY-MM-DD). */
function ageOn(dateOfBirth: string, on: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age -= 1;
  return age;
}

/** The person's age now, as well as is known: from the date of birth, or the age they seemed then. */
function ageNow(p: PersonFacts, now: Date): number | null {
  if (p.dateOfBirth) return ageOn(p.dateOfBirth, now);
  if (p.approximateAge !== null) {
    return p.approximateAge + Math.max(0, (now.getTime() - p.createdAt.getTime()) / YEAR_MS);
  }
  return null;
}

interface NameComparison {
  sameName: boolean;
  /** Every part of the shorter name sounds like (or is) a part of the other. */
  allSound: boolean;
  someSound: boolean;
  variant: boolean;
  spelling: number;
}

function compareNames(x: string, y: string): NameComparison {
  const tx = tokens(x);
  const ty = tokens(y);
  const [short, long] = tx.length <= ty.length ? [tx, ty] : [ty, tx];
  const codesOf = (t: string) => new Set(phoneticCodes(t));
  const longCodes = long.map(codesOf);
  let sounding = 0;
  let variant = false;
  let spellingSum = 0;
  for (const s of short) {
    const sc = codesOf(s);
    const sounds = long.some((l, i) => l === s || [...sc].some((c) => longCodes[i]?.has(c)));
    if (sounds) sounding += 1;
    if (long.some((l) => areNameVariants(s, l))) variant = true;
    spellingSum += Math.max(0, ...long.map((l) => nameSimilarity(s, l)));
  }
  const aligned = short.length > 0 ? spellingSum / short.length : 0;
  return {
    sameName: foldName(x) !== '' && foldName(x) === foldName(y),
    allSound: short.length > 0 && sounding === short.length,
    someSound: sounding > 0,
    variant,
    spelling: Math.max(nameSimilarity(x, y), aligned),
  };
}

function nameReasons(a: string[], b: string[]): Reason[] {
  let best: Reason[] = [];
  let bestWeight = Number.NEGATIVE_INFINITY;
  for (const x of a) {
    for (const y of b) {
      const c = compareNames(x, y);
      const reasons: Reason[] = [];
      if (c.sameName) {
        reasons.push({ reason: 'The same name', weight: 0.55 });
      } else {
        if (c.allSound) {
          reasons.push({
            reason: 'Their names sound alike: every part has the same Double Metaphone code',
            weight: 0.3,
          });
        } else if (c.someSound) {
          reasons.push({ reason: 'Part of their names sounds alike (Double Metaphone)', weight: 0.15 });
        }
        if (c.spelling >= 0.8) {
          reasons.push({
            reason: `Their names are spelt alike (Jaro-Winkler similarity ${c.spelling.toFixed(2)})`,
            weight: round2((0.25 * (c.spelling - 0.7)) / 0.3),
          });
        }
        if (c.variant) {
          reasons.push({
            reason: 'One name is a nickname or another spelling of the other (from the nickname table)',
            weight: 0.2,
          });
        }
      }
      const weight = reasons.reduce((s, r) => s + r.weight, 0);
      if (weight > bestWeight) {
        best = reasons;
        bestWeight = weight;
      }
    }
  }
  return best;
}

const intersects = (a: Set<string>, b: Set<string>) => [...a].some((x) => b.has(x));

/** Why two people of concern may be one, each reason weighted. */
export function scorePersons(a: PersonFacts, b: PersonFacts, now: Date): Reason[] {
  const reasons = nameReasons(a.names, b.names);
  if (a.dateOfBirth && b.dateOfBirth) {
    reasons.push(
      a.dateOfBirth === b.dateOfBirth
        ? { reason: 'The same date of birth', weight: 0.3 }
        : { reason: 'Different dates of birth', weight: -0.4 },
    );
  } else {
    const ageA = ageNow(a, now);
    const ageB = ageNow(b, now);
    if (ageA !== null && ageB !== null) {
      // An age someone seemed is a guess: allow more either side than for a known date of birth.
      const gap = Math.abs(ageA - ageB);
      if (gap <= 5) reasons.push({ reason: 'Their ages fit together', weight: 0.05 });
      else if (gap > 10) reasons.push({ reason: 'Their ages are far apart', weight: -0.2 });
    }
  }
  if (intersects(a.phones, b.phones)) reasons.push({ reason: 'Both use the same phone', weight: 0.35 });
  if (intersects(a.registrations, b.registrations)) {
    reasons.push({ reason: 'Both are linked to the same vehicle registration', weight: 0.3 });
  }
  if (intersects(a.homePostcodes, b.homePostcodes)) {
    reasons.push({ reason: 'Both live at the same postcode', weight: 0.2 });
  }
  return reasons;
}

type VehicleFacts = Pick<
  typeof intelEntity.$inferSelect,
  'registrationKey' | 'registrationPartial' | 'make' | 'colour'
>;

/** Why two vehicles may be one: the same registration, or a partly read plate that could be it. */
export function scoreVehicles(a: VehicleFacts, b: VehicleFacts): Reason[] {
  const reasons: Reason[] = [];
  const ka = a.registrationKey ?? '';
  const kb = b.registrationKey ?? '';
  const partialA = a.registrationPartial !== null;
  const partialB = b.registrationPartial !== null;
  if (!partialA && !partialB) {
    if (ka && ka === kb) {
      reasons.push({ reason: 'The same registration, once O and 0, I and 1 are read alike', weight: 0.9 });
    }
  } else if (partialA !== partialB) {
    if (partialA ? partialMatches(ka, kb) : partialMatches(kb, ka)) {
      reasons.push({ reason: 'A partly read plate that could be this registration', weight: 0.5 });
    }
  } else if (ka.length === kb.length && [...ka].every((c, i) => c === '?' || kb[i] === '?' || c === kb[i])) {
    reasons.push({ reason: 'Two partly read plates that could be one', weight: 0.3 });
  }
  if (reasons.length === 0) return reasons;
  const same = (x: string | null, y: string | null) =>
    x && y ? (x.trim().toLowerCase() === y.trim().toLowerCase() ? 'same' : 'different') : null;
  const make = same(a.make, b.make);
  if (make === 'same') reasons.push({ reason: 'The same make', weight: 0.1 });
  if (make === 'different') reasons.push({ reason: 'Different makes', weight: -0.3 });
  if (same(a.colour, b.colour) === 'same') reasons.push({ reason: 'The same colour', weight: 0.1 });
  return reasons;
}

export interface PlaceFacts {
  name: string;
  postcode: string | null;
  placeType: string | null;
}

const houseNumber = (name: string) => /\b(\d+[a-z]?)\b/i.exec(name)?.[1]?.toLowerCase() ?? null;

/** Why two places may be one: the same postcode and names spelt alike, unless their numbers differ. */
export function scorePlaces(a: PlaceFacts, b: PlaceFacts): Reason[] {
  const reasons: Reason[] = [];
  const pa = normalisePostcode(a.postcode);
  if (!pa || pa !== normalisePostcode(b.postcode)) return reasons;
  reasons.push({ reason: 'The same postcode', weight: 0.3 });
  const similarity = nameSimilarity(a.name, b.name);
  if (similarity >= 0.85) {
    reasons.push({
      reason: `Their names are spelt alike (Jaro-Winkler similarity ${similarity.toFixed(2)})`,
      weight: round2((0.3 * (similarity - 0.7)) / 0.3),
    });
  }
  const na = houseNumber(a.name);
  const nb = houseNumber(b.name);
  if (na && nb && na !== nb) reasons.push({ reason: 'Different house or flat numbers', weight: -0.5 });
  if (a.placeType && a.placeType === b.placeType) {
    reasons.push({ reason: 'The same kind of place', weight: 0.05 });
  }
  return reasons;
}

// ---- Candidate finding (inside a caller's transaction) --------------------------------------------

/** Links that count as evidence for matching: not entered in error, and shareable without conditions. */
const usableLink = and(isNull(intelLink.enteredInErrorAt), eq(intelLink.handlingCode, 'P')) as SQL;
const live = (kind: EntityKind) => and(eq(intelEntity.kind, kind), isNull(intelEntity.mergedIntoId)) as SQL;

/** The entities linked to each of `ids` by entity–entity links, in either direction. */
async function linkedEnds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  const out = await tx
    .select({ owner: intelLink.fromEntityId, other: intelLink.entityId, type: intelLink.type })
    .from(intelLink)
    .where(and(inArray(intelLink.fromEntityId, ids), usableLink));
  const back = await tx
    .select({ owner: intelLink.entityId, other: intelLink.fromEntityId, type: intelLink.type })
    .from(intelLink)
    .where(and(inArray(intelLink.entityId, ids), isNotNull(intelLink.fromEntityId), usableLink));
  return [...out, ...back].filter(
    (r): r is { owner: string; other: string; type: LinkRow['type'] } => r.owner !== null && r.other !== null,
  );
}

/** Everything resolution compares about each person: names, age, and the phones, vehicles and homes they are linked to. */
export async function personFacts(tx: Tx, ids: string[]): Promise<Map<string, PersonFacts>> {
  const facts = new Map<string, PersonFacts>();
  if (ids.length === 0) return facts;
  const rows = await tx.select().from(intelEntity).where(inArray(intelEntity.id, ids));
  for (const r of rows) {
    const full = [r.givenName, r.familyName].filter(Boolean).join(' ');
    facts.set(r.id, {
      id: r.id,
      names: [...new Set([r.label, full, ...(r.aliases ?? [])].filter((n) => n.trim() !== ''))],
      dateOfBirth: r.dateOfBirth,
      approximateAge: r.approximateAge,
      createdAt: r.createdAt,
      phones: new Set(),
      registrations: new Set(),
      homePostcodes: new Set(),
    });
  }
  const ends = await linkedEnds(tx, ids);
  const otherIds = [...new Set(ends.map((e) => e.other))];
  if (otherIds.length === 0) return facts;
  const others = await tx
    .select({
      id: intelEntity.id,
      kind: intelEntity.kind,
      phone: intelEntity.phoneE164,
      registrationKey: intelEntity.registrationKey,
      partial: intelEntity.registrationPartial,
      postcode: location.postcode,
    })
    .from(intelEntity)
    .leftJoin(location, eq(location.id, intelEntity.locationId))
    .where(inArray(intelEntity.id, otherIds));
  const byId = new Map(others.map((o) => [o.id, o]));
  for (const e of ends) {
    const f = facts.get(e.owner);
    const o = byId.get(e.other);
    if (!f || !o) continue;
    if (o.kind === 'phone' && o.phone) f.phones.add(o.phone);
    if (o.kind === 'vehicle' && o.registrationKey && !o.partial) f.registrations.add(o.registrationKey);
    const pc = normalisePostcode(o.postcode);
    if (o.kind === 'location' && e.type === 'lives_at' && pc) f.homePostcodes.add(pc);
  }
  return facts;
}

/** Other live people worth comparing with `p`: names that share a sound, and people sharing a phone, vehicle or home postcode. */
async function personBlock(tx: Tx, p: PersonFacts, codes: string[]): Promise<string[]> {
  const found = new Set<string>();
  if (codes.length > 0) {
    const wanted = sql`array[${sql.join(
      codes.map((c) => sql`${c}`),
      sql`, `,
    )}]::text[]`;
    const rows = await tx
      .select({ id: intelEntity.id })
      .from(intelEntity)
      .where(and(live('person'), ne(intelEntity.id, p.id), sql`${intelEntity.nameCodes} && ${wanted}`))
      // Most codes in common first, so a common surname cannot crowd out a close match.
      .orderBy(
        desc(
          sql`cardinality(array(select unnest(${intelEntity.nameCodes}) intersect select unnest(${wanted})))`,
        ),
        desc(intelEntity.createdAt),
      )
      .limit(BLOCK_LIMIT);
    for (const r of rows) found.add(r.id);
  }
  const conditions: SQL[] = [];
  if (p.phones.size > 0) {
    conditions.push(and(eq(intelEntity.kind, 'phone'), inArray(intelEntity.phoneE164, [...p.phones])) as SQL);
  }
  if (p.registrations.size > 0) {
    conditions.push(
      and(
        eq(intelEntity.kind, 'vehicle'),
        inArray(intelEntity.registrationKey, [...p.registrations]),
        isNull(intelEntity.registrationPartial),
      ) as SQL,
    );
  }
  if (p.homePostcodes.size > 0) {
    conditions.push(
      and(
        eq(intelEntity.kind, 'location'),
        sql`replace(upper(${location.postcode}), ' ', '') in (${sql.join(
          [...p.homePostcodes].map((pc) => sql`${pc}`),
          sql`, `,
        )})`,
      ) as SQL,
    );
  }
  if (conditions.length > 0) {
    const shared = await tx
      .select({ id: intelEntity.id })
      .from(intelEntity)
      .leftJoin(location, eq(location.id, intelEntity.locationId))
      .where(and(isNull(intelEntity.mergedIntoId), or(...conditions)))
      .limit(BLOCK_LIMIT);
    const sharedIds = shared.map((s) => s.id);
    if (sharedIds.length > 0) {
      const ends = await linkedEnds(tx, sharedIds);
      const people = [...new Set(ends.map((e) => e.other))].filter((id) => id !== p.id);
      if (people.length > 0) {
        const rows = await tx
          .select({ id: intelEntity.id })
          .from(intelEntity)
          .where(and(live('person'), inArray(intelEntity.id, people.slice(0, BLOCK_LIMIT))));
        for (const r of rows) found.add(r.id);
      }
    }
  }
  return [...found];
}

/**
 * Finds the entities that may be the same as `entityId` and stores each pair scoring at least
 * `CANDIDATE_THRESHOLD` as an open candidate, with its reasons. A pair already decided keeps its
 * decision; an open one has its score brought up to date. Runs in the caller's transaction and
 * checks no permission: callers have. Returns how many pairs were stored or updated.
 */
export async function findCandidatesFor(tx: Tx, entityId: string, now: Date): Promise<number> {
  const [e] = await tx
    .select({ entity: intelEntity, place: location })
    .from(intelEntity)
    .leftJoin(location, eq(location.id, intelEntity.locationId))
    .where(and(eq(intelEntity.id, entityId), isNull(intelEntity.mergedIntoId)));
  if (!e) return 0;
  const me = e.entity;
  const scored: { otherId: string; reasons: Reason[] }[] = [];
  switch (me.kind) {
    case 'person': {
      const mine = (await personFacts(tx, [me.id])).get(me.id);
      if (!mine) return 0;
      const others = await personBlock(tx, mine, me.nameCodes ?? []);
      const facts = await personFacts(tx, others);
      for (const id of others) {
        const f = facts.get(id);
        if (f) scored.push({ otherId: id, reasons: scorePersons(mine, f, now) });
      }
      break;
    }
    case 'vehicle': {
      const key = me.registrationKey ?? '';
      if (!key) return 0;
      let where: SQL;
      if (me.registrationPartial) {
        // The characters before the first unread one narrow the search to a range of the index.
        const prefix = key.slice(0, key.indexOf('?'));
        where = and(
          sql`length(${intelEntity.registrationKey}) = ${key.length}`,
          prefix ? sql`${intelEntity.registrationKey} >= ${prefix}` : undefined,
          prefix ? sql`${intelEntity.registrationKey} < ${`${prefix}\u{10FFFF}`}` : undefined,
          sql`${intelEntity.registrationKey} like ${key.replace(/\?/g, '_')}`,
        ) as SQL;
      } else {
        where = or(
          eq(intelEntity.registrationKey, key),
          and(
            isNotNull(intelEntity.registrationPartial),
            sql`length(${intelEntity.registrationKey}) = ${key.length}`,
            sql`${key} like replace(${intelEntity.registrationKey}, '?', '_')`,
          ),
        ) as SQL;
      }
      const rows = await tx
        .select()
        .from(intelEntity)
        .where(and(live('vehicle'), ne(intelEntity.id, me.id), where))
        .limit(BLOCK_LIMIT);
      for (const r of rows) scored.push({ otherId: r.id, reasons: scoreVehicles(me, r) });
      break;
    }
    case 'phone': {
      if (!me.phoneE164) return 0;
      const rows = await tx
        .select({ id: intelEntity.id })
        .from(intelEntity)
        .where(and(live('phone'), ne(intelEntity.id, me.id), eq(intelEntity.phoneE164, me.phoneE164)))
        .limit(BLOCK_LIMIT);
      for (const r of rows) {
        scored.push({
          otherId: r.id,
          reasons: [{ reason: 'The same number in international form (E.164)', weight: 0.9 }],
        });
      }
      break;
    }
    case 'account': {
      if (!me.handleKey || !me.platform) return 0;
      const rows = await tx
        .select({ id: intelEntity.id })
        .from(intelEntity)
        .where(
          and(
            live('account'),
            ne(intelEntity.id, me.id),
            eq(intelEntity.handleKey, me.handleKey),
            sql`lower(${intelEntity.platform}) = ${me.platform.toLowerCase()}`,
          ),
        )
        .limit(BLOCK_LIMIT);
      for (const r of rows) {
        scored.push({
          otherId: r.id,
          reasons: [{ reason: 'The same handle on the same platform', weight: 0.9 }],
        });
      }
      break;
    }
    case 'location': {
      if (!e.place?.postcode) return 0;
      const rows = await tx
        .select({ id: intelEntity.id, placeType: intelEntity.placeType, place: location })
        .from(intelEntity)
        .innerJoin(location, eq(location.id, intelEntity.locationId))
        .where(and(live('location'), ne(intelEntity.id, me.id), eq(location.postcode, e.place.postcode)))
        .limit(BLOCK_LIMIT);
      const mine = { name: e.place.name, postcode: e.place.postcode, placeType: me.placeType };
      for (const r of rows) {
        scored.push({
          otherId: r.id,
          reasons: scorePlaces(mine, {
            name: r.place.name,
            postcode: r.place.postcode,
            placeType: r.placeType,
          }),
        });
      }
      break;
    }
  }
  const values = scored
    .map((s) => ({ ...s, score: clampScore(s.reasons) }))
    .filter((s) => s.score >= CANDIDATE_THRESHOLD)
    .map((s) => {
      const [entityA, entityB] = me.id < s.otherId ? [me.id, s.otherId] : [s.otherId, me.id];
      return {
        entityA,
        entityB,
        score: s.score,
        reasons: s.reasons.map((r) => ({ reason: r.reason, weight: round2(r.weight) })),
        status: 'open' as const,
        foundAt: now,
      };
    });
  if (values.length === 0) return 0;
  const stored = await tx
    .insert(intelCandidate)
    .values(values)
    .onConflictDoUpdate({
      target: [intelCandidate.entityA, intelCandidate.entityB],
      set: { score: sql`excluded.score`, reasons: sql`excluded.reasons` },
      setWhere: eq(intelCandidate.status, 'open'),
    })
    .returning({ id: intelCandidate.id });
  return stored.length;
}

/** The merge that took an entity into another, while it stands; null when the entity is not merged. */
export async function mergeOf(tx: Tx, entityId: string) {
  const [row] = await tx
    .select({
      mergeId: intelMerge.id,
      survivorId: intelMerge.survivorId,
      survivorLabel: intelEntity.label,
      candidateId: intelMerge.candidateId,
      mergedAt: intelMerge.mergedAt,
      mergedBy: appUser.name,
    })
    .from(intelMerge)
    .innerJoin(intelEntity, eq(intelEntity.id, intelMerge.survivorId))
    .innerJoin(appUser, eq(appUser.id, intelMerge.mergedByUserId))
    .where(and(eq(intelMerge.mergedId, entityId), isNull(intelMerge.undoneAt)))
    .orderBy(desc(intelMerge.mergedAt))
    .limit(1);
  return row ?? null;
}

// ---- The service ---------------------------------------------------------------------------------

const entityA = alias(intelEntity, 'entity_a_row');
const entityB = alias(intelEntity, 'entity_b_row');

/**
 * Resolution of duplicate entities: pairs that may be one person, place, vehicle, phone or
 * account are proposed with the reasons for the score; a person with `intelligence:resolve`
 * decides. Nothing merges by itself, and every merge can be undone.
 */
export class ResolutionService implements LinkObserver {
  constructor(private readonly withTransaction: WithTransaction) {}

  /**
   * Candidates are looked for in the transaction that records a link. An entity–entity link (a
   * person using a phone, living at a place) may make two people look alike, so both ends are
   * looked at again. A child's link is looked at when it is the entity's first: the entity has
   * just been recorded where the work happens, and may be a second copy of one already known.
   */
  async onLink(tx: Tx, ctx: Acting, link: LinkRow): Promise<void> {
    const now = ctx.clock.now();
    if (link.fromEntityId) {
      await findCandidatesFor(tx, link.fromEntityId, now);
      await findCandidatesFor(tx, link.entityId, now);
      return;
    }
    const earlier = await tx
      .select({ id: intelLink.id })
      .from(intelLink)
      .where(
        and(
          ne(intelLink.id, link.id),
          or(eq(intelLink.entityId, link.entityId), eq(intelLink.fromEntityId, link.entityId)),
        ),
      )
      .limit(1);
    if (earlier.length === 0) await findCandidatesFor(tx, link.entityId, now);
  }

  /** Finds candidates for one entity, just recorded or linked. For the code that records it. */
  async candidatesFor(ctx: Context, entityId: string): Promise<number> {
    if (!hasPermission(ctx, 'intelligence:resolve')) requirePermission(ctx, 'intelligence:record');
    return this.withTransaction((tx) => findCandidatesFor(tx, entityId, ctx.clock.now()));
  }

  /**
   * Finds candidates for every live entity recorded, or given an entity–entity link, since
   * `since` (every live entity when not given), a batch at a time. For a scheduled job (system
   * context) or a person who resolves.
   */
  async scan(
    ctx: Context,
    options: { since?: Date } = {},
  ): Promise<{ entities: number; candidates: number }> {
    if (ctx.actor) requirePermission(ctx, 'intelligence:resolve');
    const now = ctx.clock.now();
    const since = options.since;
    let after: string | null = null;
    let entities = 0;
    let candidates = 0;
    for (;;) {
      const batch: string[] = await this.withTransaction(async (tx) => {
        const recent = since
          ? or(
              gt(intelEntity.createdAt, since),
              sql`exists (select 1 from ${intelLink} where (${intelLink.fromEntityId} = ${intelEntity.id} or (${intelLink.entityId} = ${intelEntity.id} and ${intelLink.fromEntityId} is not null)) and ${intelLink.createdAt} > ${since.toISOString()}::timestamptz)`,
            )
          : undefined;
        const rows = await tx
          .select({ id: intelEntity.id })
          .from(intelEntity)
          .where(and(isNull(intelEntity.mergedIntoId), recent, after ? gt(intelEntity.id, after) : undefined))
          .orderBy(intelEntity.id)
          .limit(200);
        for (const r of rows) candidates += await findCandidatesFor(tx, r.id, now);
        return rows.map((r) => r.id);
      });
      entities += batch.length;
      const last = batch.at(-1);
      if (!last || batch.length < 200) break;
      after = last;
    }
    await this.withTransaction((tx) =>
      recordAudit(tx, ctx, { action: 'intelligence.resolution-scan', subjectType: 'intel_candidate' }),
    );
    return { entities, candidates };
  }

  /**
   * One page of a review list: open candidates or those marked "not sure", best score first, both
   * entities still live; or the merged pairs, newest first.
   */
  async queue(ctx: Context, list: CandidateList, options: { after?: string } = {}) {
    requirePermission(ctx, 'intelligence:resolve');
    const cursor = decodeCursor(options.after, 2);
    return this.withTransaction(async (tx) => {
      const base = tx
        .select({
          candidate: intelCandidate,
          a: { id: entityA.id, kind: entityA.kind, label: entityA.label },
          b: { id: entityB.id, kind: entityB.kind, label: entityB.label },
        })
        .from(intelCandidate)
        .innerJoin(entityA, eq(entityA.id, intelCandidate.entityA))
        .innerJoin(entityB, eq(entityB.id, intelCandidate.entityB));
      let page: Page<Awaited<typeof base>[number]>;
      if (list === 'merged') {
        const rows = await base
          .where(
            and(
              eq(intelCandidate.status, 'match'),
              cursor
                ? sql`(${intelCandidate.decidedAt}, ${intelCandidate.id}) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
                : undefined,
            ),
          )
          .orderBy(desc(intelCandidate.decidedAt), desc(intelCandidate.id))
          .limit(PAGE_SIZE + 1);
        page = pageOf(rows, PAGE_SIZE, (r) => [r.candidate.decidedAt?.toISOString() ?? null, r.candidate.id]);
      } else {
        const rows = await base
          .where(
            and(
              eq(intelCandidate.status, list),
              isNull(entityA.mergedIntoId),
              isNull(entityB.mergedIntoId),
              cursor
                ? sql`(${intelCandidate.score} < ${Number(cursor[0])}::double precision or (${intelCandidate.score} = ${Number(cursor[0])}::double precision and ${intelCandidate.id} > ${String(cursor[1])}::uuid))`
                : undefined,
            ),
          )
          .orderBy(desc(intelCandidate.score), intelCandidate.id)
          .limit(PAGE_SIZE + 1);
        page = pageOf(rows, PAGE_SIZE, (r) => [r.candidate.score, r.candidate.id]);
      }
      await recordAudit(tx, ctx, { action: 'intelligence.candidate-list', subjectType: 'intel_candidate' });
      return page;
    });
  }

  /**
   * A candidate pair side by side: each entity with what resolution compared, the links the
   * actor may see, the reasons and the merge, if one stands.
   */
  async candidate(ctx: Context, id: string) {
    requirePermission(ctx, 'intelligence:resolve');
    return this.withTransaction(async (tx) => {
      const [c] = await tx.select().from(intelCandidate).where(eq(intelCandidate.id, id));
      if (!c) throw new NotFoundError();
      const rows = await tx
        .select({ entity: intelEntity, place: location })
        .from(intelEntity)
        .leftJoin(location, eq(location.id, intelEntity.locationId))
        .where(inArray(intelEntity.id, [c.entityA, c.entityB]));
      const a = rows.find((r) => r.entity.id === c.entityA);
      const b = rows.find((r) => r.entity.id === c.entityB);
      if (!a || !b) throw new NotFoundError();
      const facts =
        a.entity.kind === 'person' ? await personFacts(tx, [a.entity.id, b.entity.id]) : new Map();
      const linksOf = async (entityId: string) =>
        tx
          .select({
            id: intelLink.id,
            type: intelLink.type,
            occurredAt: intelLink.occurredAt,
            childId: intelLink.childId,
            childName: sql<string | null>`${child.givenName} || ' ' || ${child.familyName}`,
            otherId: sql<string>`case when ${intelLink.entityId} = ${entityId} then ${intelLink.fromEntityId} else ${intelLink.entityId} end`,
          })
          .from(intelLink)
          .leftJoin(child, eq(child.id, intelLink.childId))
          .where(
            and(
              or(eq(intelLink.entityId, entityId), eq(intelLink.fromEntityId, entityId)),
              linkVisibleTo(ctx),
            ),
          )
          .orderBy(desc(intelLink.occurredAt), desc(intelLink.id))
          .limit(20);
      const [linksA, linksB] = [await linksOf(a.entity.id), await linksOf(b.entity.id)];
      const otherIds = [...new Set([...linksA, ...linksB].map((l) => l.otherId).filter(Boolean))];
      const otherLabels = new Map(
        otherIds.length
          ? (
              await tx
                .select({ id: intelEntity.id, label: intelEntity.label })
                .from(intelEntity)
                .where(inArray(intelEntity.id, otherIds))
            ).map((o) => [o.id, o.label])
          : [],
      );
      const [merge] = await tx
        .select({ merge: intelMerge, mergedBy: appUser.name })
        .from(intelMerge)
        .innerJoin(appUser, eq(appUser.id, intelMerge.mergedByUserId))
        .where(and(eq(intelMerge.candidateId, c.id), isNull(intelMerge.undoneAt)))
        .orderBy(desc(intelMerge.mergedAt))
        .limit(1);
      const [decidedBy] = c.decidedByUserId
        ? await tx.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, c.decidedByUserId))
        : [];
      await recordAudit(tx, ctx, {
        action: 'intelligence.candidate-view',
        subjectType: 'intel_candidate',
        subjectId: id,
      });
      const side = (r: typeof a, links: typeof linksA) => ({
        ...r,
        person: facts.get(r.entity.id) ?? null,
        links: links.map((l) => ({
          ...l,
          otherLabel: l.otherId ? (otherLabels.get(l.otherId) ?? null) : null,
        })),
      });
      return {
        candidate: c,
        reasons: (c.reasons ?? []) as Reason[],
        a: side(a, linksA),
        b: side(b, linksB),
        merge: merge ?? null,
        decidedBy: decidedBy?.name ?? null,
      };
    });
  }

  /**
   * Records a person's decision on a pair. "The same" merges one into the other (the one
   * recorded first stays, unless the person chooses); "not the same" closes the pair; "not sure"
   * keeps it in its own list. Only an open or unsure pair of two live entities can be decided.
   */
  async decide(
    ctx: Context,
    id: string,
    raw: { decision?: string; survivorId?: string | undefined },
  ): Promise<{ mergeId: string | null }> {
    requirePermission(ctx, 'intelligence:resolve');
    const parsed = decisionInput.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError([
        {
          field: String(issue?.path[0] ?? 'decision'),
          message: issue?.message ?? 'Select whether these are the same',
        },
      ]);
    }
    const input = parsed.data;
    return this.withTransaction(async (tx) => {
      const [c] = await tx.select().from(intelCandidate).where(eq(intelCandidate.id, id)).for('update');
      if (!c) throw new NotFoundError();
      if (c.status !== 'open' && c.status !== 'unsure') {
        throw new ConflictError('This pair has already been decided', 'decision');
      }
      const pair = await tx
        .select()
        .from(intelEntity)
        .where(inArray(intelEntity.id, [c.entityA, c.entityB]))
        .orderBy(intelEntity.createdAt, intelEntity.id)
        .for('update');
      if (pair.length !== 2 || pair.some((e) => e.mergedIntoId)) {
        throw new ConflictError(
          'One of these has since been merged into another record: undo that merge first',
          'decision',
        );
      }
      const now = ctx.clock.now();
      let mergeId: string | null = null;
      if (input.decision === 'match') {
        const survivorId = input.survivorId ?? pair[0]?.id ?? '';
        if (survivorId !== c.entityA && survivorId !== c.entityB) {
          throw new ValidationError([{ field: 'survivorId', message: 'Select which record stays' }]);
        }
        const mergedId = survivorId === c.entityA ? c.entityB : c.entityA;
        mergeId = await this.merge(tx, ctx, survivorId, mergedId, c.id, now);
      }
      await tx
        .update(intelCandidate)
        .set({ status: input.decision, decidedByUserId: ctx.actor.userId, decidedAt: now })
        .where(eq(intelCandidate.id, id));
      await recordAudit(tx, ctx, {
        action: `intelligence.candidate-${input.decision.replace('_', '-')}`,
        subjectType: 'intel_candidate',
        subjectId: id,
      });
      return { mergeId };
    });
  }

  /**
   * Merges one entity into another: the survivor keeps its row, the merged one points at it, and
   * every link of the merged one moves to the survivor, listed so that undoing moves exactly those back.
   */
  private async merge(
    tx: Tx,
    ctx: Acting,
    survivorId: string,
    mergedId: string,
    candidateId: string,
    now: Date,
  ) {
    const moved = await tx
      .update(intelLink)
      .set({ entityId: survivorId })
      .where(eq(intelLink.entityId, mergedId))
      .returning({ id: intelLink.id });
    const movedFrom = await tx
      .update(intelLink)
      .set({ fromEntityId: survivorId })
      .where(eq(intelLink.fromEntityId, mergedId))
      .returning({ id: intelLink.id });
    await tx.update(intelEntity).set({ mergedIntoId: survivorId }).where(eq(intelEntity.id, mergedId));
    const [row] = await tx
      .insert(intelMerge)
      .values({
        survivorId,
        mergedId,
        candidateId,
        movedLinkIds: moved.map((m) => m.id),
        movedFromLinkIds: movedFrom.map((m) => m.id),
        mergedByUserId: ctx.actor.userId,
        mergedAt: now,
      })
      .returning({ id: intelMerge.id });
    if (!row) throw new Error('merge insert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'intelligence.merge',
      subjectType: 'intel_merge',
      subjectId: row.id,
    });
    // The survivor now has the merged one's phones, vehicles and homes: others may match it now.
    await findCandidatesFor(tx, survivorId, now);
    return row.id;
  }

  /**
   * Undoes a merge: exactly the links it moved go back, the merged entity is live again and the
   * pair returns to the "not sure" list, for another look. A merge whose survivor has since been
   * merged itself is undone after that later merge.
   */
  async undoMerge(ctx: Context, mergeId: string): Promise<{ candidateId: string | null }> {
    requirePermission(ctx, 'intelligence:resolve');
    return this.withTransaction(async (tx) => {
      const [m] = await tx.select().from(intelMerge).where(eq(intelMerge.id, mergeId)).for('update');
      if (!m) throw new NotFoundError();
      if (m.undoneAt) throw new ConflictError('This merge has already been undone', 'form');
      const [survivor] = await tx
        .select({ mergedIntoId: intelEntity.mergedIntoId })
        .from(intelEntity)
        .where(eq(intelEntity.id, m.survivorId))
        .for('update');
      if (survivor?.mergedIntoId) {
        throw new ConflictError(
          'The record that stayed has since been merged into another: undo that merge first',
          'form',
        );
      }
      const now = ctx.clock.now();
      if (m.movedLinkIds.length > 0) {
        await tx.update(intelLink).set({ entityId: m.mergedId }).where(inArray(intelLink.id, m.movedLinkIds));
      }
      if (m.movedFromLinkIds.length > 0) {
        await tx
          .update(intelLink)
          .set({ fromEntityId: m.mergedId })
          .where(inArray(intelLink.id, m.movedFromLinkIds));
      }
      await tx.update(intelEntity).set({ mergedIntoId: null }).where(eq(intelEntity.id, m.mergedId));
      await tx
        .update(intelMerge)
        .set({ undoneByUserId: ctx.actor.userId, undoneAt: now })
        .where(eq(intelMerge.id, mergeId));
      if (m.candidateId) {
        await tx
          .update(intelCandidate)
          .set({ status: 'unsure', decidedByUserId: ctx.actor.userId, decidedAt: now })
          .where(eq(intelCandidate.id, m.candidateId));
      }
      await recordAudit(tx, ctx, {
        action: 'intelligence.merge-undo',
        subjectType: 'intel_merge',
        subjectId: mergeId,
      });
      return { candidateId: m.candidateId };
    });
  }
}
