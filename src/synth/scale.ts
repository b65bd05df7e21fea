import { fakerEN_GB as faker } from '@faker-js/faker';
import { sql } from 'drizzle-orm';
import { phoneticCodes } from '../features/children/names';
import { childSearchName } from '../features/children/tables';
import { episode, returnInterview, riskGrading } from '../features/episodes/tables';
import { childrensHome } from '../features/homes/tables';
import { location } from '../features/locations/tables';
import { notice } from '../features/notices/tables';
import { milesBetween } from '../features/placements/distance';
import { placement } from '../features/placements/tables';
import { child, childAccess } from '../platform/access/tables';
import { type LocalAuthorityRef, localAuthorities, policeForces } from '../platform/agencies/reference-data';
import { agency } from '../platform/agencies/tables';
import { recordAudit } from '../platform/audit/audit';
import { type Clock, systemContext } from '../platform/context';
import { BulkLoader } from '../platform/db/bulk';
import type { Database } from '../platform/db/client';
import type { WithTransaction } from '../platform/db/transaction';
import { seedScaleIntelligence } from './intelligence';
import { placePool } from './places';
import { prng, uuidFrom } from './random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

export interface ScaleShape {
  children: number;
  episodes: number;
  /** The authorities the children live in: one force area, or every authority. */
  authorities: 'force' | 'national';
  /** Years the episodes spread over, ending now. */
  years: number;
  /** Children's homes per authority. */
  homesPerAuthority: number;
  /** One episode in this many has a concern notice. */
  noticeEvery: number;
}

/** DESIGN §7. The demo scale has its own, richer generator (demo-records.ts). */
export const scaleShapes: Record<'force' | 'national', ScaleShape> = {
  force: {
    children: 15_000,
    episodes: 100_000,
    authorities: 'force',
    years: 5,
    homesPerAuthority: 25,
    noticeEvery: 20,
  },
  national: {
    children: 300_000,
    episodes: 1_000_000,
    authorities: 'national',
    years: 5,
    homesPerAuthority: 12,
    noticeEvery: 20,
  },
};

/** The force area of the force scale: West Yorkshire, with North Yorkshire beside it for placements out of area. */
const FORCE_AREA = ['E23000010', 'E23000009'];

const ethnicities = ['WBRI', 'WBRI', 'WBRI', 'WOTH', 'MWBC', 'MWAS', 'AIND', 'APKN', 'BAFR', 'BCRB', 'OOTH'];
const legalStatuses = ['C2', 'C2', 'C1', 'V2', 'E1'];
const grades = ['no_apparent_risk', 'low', 'low', 'medium', 'medium', 'medium', 'high'] as const;
/** Postcode areas to build synthetic postcodes from; built, never looked up, so they name nobody's home. */
const LETTERS = [...'ABDEFGHJLNPQRSTUWXYZ'];
const postcodeAreas = [
  'LS',
  'BD',
  'HX',
  'HD',
  'WF',
  'YO',
  'HG',
  'M',
  'B',
  'L',
  'S',
  'NE',
  'NG',
  'LE',
  'CF',
  'SA',
  'BS',
  'E',
  'N',
  'SE',
];

export interface ScaleProgress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

export interface ScaleSummary {
  scale: string;
  seconds: number;
  counts: Record<string, number>;
}

/**
 * Loads a force-area or national synthetic dataset in bulk, deterministically from `seed`: a minority
 * of children with many episodes, looked-after children placed in and out of area, homes clustered
 * around each authority's centre, overdue return interviews and concern notices. The demo agencies
 * and users must be there first (they are how one signs in).
 */
export async function seedScale(
  database: Database,
  withTransaction: WithTransaction,
  clock: Clock,
  shape: ScaleShape,
  options: { seed?: number; progress?: ScaleProgress; batch?: number } = {},
): Promise<ScaleSummary> {
  const started = Date.now();
  const random = prng(options.seed ?? 20_261_126);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const between = (min: number, max: number) => min + random() * (max - min);
  const now = clock.now();

  const authorities = localAuthorities.filter((a) =>
    shape.authorities === 'national' ? true : FORCE_AREA.includes(a.policeForceCode),
  );
  const agencies = await withTransaction(async (tx) => {
    const existing = await tx.select().from(agency);
    const made = [];
    const has = (type: string, code: string) =>
      existing.some((a) =>
        type === 'local_authority'
          ? a.type === type && a.localAuthorityCode === code
          : a.type === type && a.policeForceCode === code,
      );
    for (const la of authorities) {
      if (!has('local_authority', la.code)) {
        made.push({
          name: `${la.name} Children’s Services`,
          type: 'local_authority' as const,
          localAuthorityCode: la.code,
        });
      }
    }
    const forces = new Set(authorities.map((a) => a.policeForceCode));
    for (const f of policeForces.filter((p) => forces.has(p.code))) {
      if (!has('police_force', f.code))
        made.push({ name: f.name, type: 'police_force' as const, policeForceCode: f.code });
    }
    if (made.length) await tx.insert(agency).values(made.map((m) => ({ ...m, createdAt: now })));
    return tx.select().from(agency);
  });
  const laAgency = new Map(
    agencies.filter((a) => a.type === 'local_authority').map((a) => [a.localAuthorityCode ?? '', a.id]),
  );
  const forceAgency = new Map(
    agencies.filter((a) => a.type === 'police_force').map((a) => [a.policeForceCode ?? '', a.id]),
  );
  const agencyOfLa = (code: string) => laAgency.get(code) ?? '';
  const agencyOfForce = (code: string) => forceAgency.get(code) ?? '';

  faker.seed(options.seed ?? 20_261_126);
  const given = {
    M: faker.helpers.uniqueArray(() => faker.person.firstName('male'), 300),
    F: faker.helpers.uniqueArray(() => faker.person.firstName('female'), 300),
  };
  const families = faker.helpers.uniqueArray(() => faker.person.lastName(), 800);
  const streets = faker.helpers.uniqueArray(() => faker.location.street(), 400);
  const codesOf = new Map<string, string[]>();
  const codes = (name: string) => {
    let c = codesOf.get(name);
    if (!c) {
      c = phoneticCodes(name);
      codesOf.set(name, c);
    }
    return c;
  };
  const postcodeFor = (la: LocalAuthorityRef) => {
    const area = postcodeAreas[Number.parseInt(la.code.slice(-3), 10) % postcodeAreas.length];
    return `${area}${1 + Math.floor(random() * 28)} ${1 + Math.floor(random() * 9)}${pick(LETTERS)}${pick(LETTERS)}`;
  };
  const near = (la: LocalAuthorityRef, maxMiles: number) => {
    const miles = between(0.2, maxMiles);
    const bearing = between(0, 2 * Math.PI);
    return {
      lat: Math.round((la.lat + (miles * Math.cos(bearing)) / 69.05) * 10_000) / 10_000,
      lon:
        Math.round(
          (la.lon + (miles * Math.sin(bearing)) / (69.05 * Math.cos((la.lat * Math.PI) / 180))) * 10_000,
        ) / 10_000,
    };
  };

  const loader = await BulkLoader.open(database);
  try {
    // Homes, clustered near each authority's centre.
    const homes: (typeof childrensHome.$inferInsert & { id: string })[] = [];
    authorities.forEach((la, i) => {
      for (let n = 0; n < shape.homesPerAuthority; n += 1) {
        const at = near(la, 8);
        homes.push({
          id: uuidFrom(random),
          urn: `SC${String(i * 1_000 + n).padStart(6, '0')}X`,
          name: `${pick(streets)} House`,
          providerName: `${pick(families)} Care Ltd`,
          address: `${1 + Math.floor(random() * 200)} ${pick(streets)}`,
          postcode: postcodeFor(la),
          localAuthorityCode: la.code,
          registeredPlaces: 2 + Math.floor(random() * 5),
          status: 'active',
          latitude: at.lat,
          longitude: at.lon,
          importedAt: now,
        });
      }
    });
    await loader.load(childrensHome, homes);
    const places = placePool(authorities, options.seed ?? 20_261_126, now);
    await loader.load(location, places.rows);
    const homesIn = new Map<string, typeof homes>();
    for (const h of homes)
      homesIn.set(h.localAuthorityCode, [...(homesIn.get(h.localAuthorityCode) ?? []), h]);

    // A heavy tail: one child in ten has 40 shares of the episodes, one in three 4, the rest 1.
    const weightOf = (i: number) => (i % 10 === 0 ? 40 : i % 3 === 0 ? 4 : 1);
    let totalWeight = 0;
    for (let i = 0; i < shape.children; i += 1) totalWeight += weightOf(i);
    const perWeight = shape.episodes / totalWeight;

    const batch = options.batch ?? 5_000;
    options.progress?.start(shape.children);
    let episodesMade = 0;
    for (let from = 0; from < shape.children; from += batch) {
      const children: (typeof child.$inferInsert & { id: string })[] = [];
      const access: (typeof childAccess.$inferInsert)[] = [];
      const names: (typeof childSearchName.$inferInsert)[] = [];
      const placements: (typeof placement.$inferInsert)[] = [];
      const episodes: (typeof episode.$inferInsert & { id: string })[] = [];
      const gradings: (typeof riskGrading.$inferInsert)[] = [];
      const interviews: (typeof returnInterview.$inferInsert)[] = [];
      const notices: (typeof notice.$inferInsert)[] = [];
      for (let i = from; i < Math.min(from + batch, shape.children); i += 1) {
        const la = authorities[i % authorities.length] as LocalAuthorityRef;
        const sex = random() < 0.5 ? 'M' : 'F';
        const lookedAfter = random() < 0.6;
        const home = near(la, 6);
        const createdAt = new Date(now.getTime() - between(0.1, shape.years) * YEAR);
        const id = uuidFrom(random);
        const c = {
          id,
          givenName: pick(given[sex]),
          familyName: pick(families),
          dateOfBirth: new Date(now.getTime() - between(10, 17.6) * YEAR).toISOString().slice(0, 10),
          sex,
          ethnicity: pick(ethnicities),
          lookedAfter,
          legalStatus: lookedAfter ? pick(legalStatuses) : null,
          responsibleAuthorityCode: lookedAfter ? la.code : null,
          localAuthorityChildId: `${la.code.slice(-4)}${String(i).padStart(7, '0')}`,
          homePostcode: postcodeFor(la),
          homeLatitude: home.lat,
          homeLongitude: home.lon,
          createdByAgencyId: agencyOfLa(la.code),
          createdAt,
        };
        children.push(c);
        names.push({
          childId: id,
          givenName: c.givenName,
          familyName: c.familyName,
          givenCodes: codes(c.givenName),
          familyCodes: codes(c.familyName),
          source: 'name',
        });
        access.push({ childId: id, agencyId: agencyOfLa(la.code), basis: 'creator', validFrom: createdAt });

        // Looked-after children are placed: one in six in another authority's home, far from home.
        let host = la;
        if (lookedAfter) {
          const away = random() < 1 / 6;
          host = away ? pick(authorities) : la;
          const inHome = away || random() < 0.4;
          const h = inHome ? pick(homesIn.get(host.code) ?? []) : undefined;
          const at = h ? { lat: h.latitude ?? host.lat, lon: h.longitude ?? host.lon } : near(host, 6);
          const placementId = uuidFrom(random);
          placements.push({
            id: placementId,
            childId: id,
            homeId: h?.id ?? null,
            postcode: h?.postcode ?? postcodeFor(host),
            latitude: at.lat,
            longitude: at.lon,
            placementType: h ? 'K2' : pick(['U4', 'U6']),
            provider: h ? 'PR4' : 'PR1',
            placingAuthorityCode: la.code,
            hostAuthorityCode: host.code,
            startDate: createdAt.toISOString().slice(0, 10),
            distanceFromHomeMiles: Math.round(milesBetween(home, at) * 10) / 10,
            createdAt,
          });
          const grant = { childId: id, sourceId: placementId, validFrom: createdAt };
          access.push({ ...grant, agencyId: agencyOfLa(la.code), basis: 'placing_authority' });
          if (host.code !== la.code)
            access.push({ ...grant, agencyId: agencyOfLa(host.code), basis: 'host_authority' });
          access.push({ ...grant, agencyId: agencyOfForce(host.policeForceCode), basis: 'host_force' });
        }

        // Episodes, one after another, none overlapping; the last may still be open.
        const expected = weightOf(i) * perWeight;
        const count = Math.floor(expected) + (random() < expected % 1 ? 1 : 0);
        if (count === 0) continue;
        access.push({
          childId: id,
          agencyId: agencyOfForce(host.policeForceCode),
          basis: 'episode_force',
          validFrom: createdAt,
        });
        const span = now.getTime() - createdAt.getTime();
        const starts = Array.from({ length: count }, () => createdAt.getTime() + random() * span).sort(
          (a, b) => a - b,
        );
        starts.forEach((start, n) => {
          const next = starts[n + 1] ?? now.getTime();
          const last = n === count - 1;
          const startedAt = new Date(start);
          const open = last && now.getTime() - start < 3 * DAY && random() < 0.5;
          const length = Math.min(between(1, 48) * HOUR, Math.max(next - start - HOUR, 10 * 60_000));
          const endedAt = open ? null : new Date(Math.min(start + length, now.getTime() - 60_000));
          if (endedAt && endedAt <= startedAt) return;
          const episodeId = uuidFrom(random);
          const reportedAt = new Date(
            start + Math.min(between(0.5, 3) * HOUR, (endedAt ? endedAt.getTime() - start : HOUR) / 2),
          );
          episodes.push({
            id: episodeId,
            childId: id,
            kind: random() < 0.65 ? 'missing' : 'absent',
            startedAt,
            reportedAt,
            reportedByAgencyId: agencyOfLa(la.code),
            policeForceCode: host.policeForceCode,
            lastSeenPostcode: postcodeFor(host),
            ...places.forEpisode(host.code, endedAt !== null),
            searchedBeforeReporting: random() < 0.7,
            calledChild: random() < 0.8,
            contactedFriendsFamily: random() < 0.5,
            endedAt,
            createdAt: reportedAt,
          });
          const gradedAt = new Date(reportedAt.getTime() + 20 * 60_000);
          gradings.push({
            episodeId,
            grade: pick(grades),
            rationale: 'Synthetic grading',
            gradedAt,
            nextReviewAt: open ? new Date(gradedAt.getTime() + 4 * HOUR) : null,
          });
          if (endedAt) {
            const dueAt = new Date(endedAt.getTime() + 72 * HOUR);
            const past = dueAt.getTime() < now.getTime() - DAY;
            const r = random();
            const status = past
              ? r < 0.7
                ? 'held'
                : r < 0.9
                  ? 'declined'
                  : 'due'
              : r < 0.5
                ? 'due'
                : 'offered';
            const owner = agencyOfLa(la.code);
            interviews.push({
              episodeId,
              childId: id,
              ownerAgencyId: owner,
              assignedAgencyId: owner,
              dueAt,
              status,
              heldAt: status === 'held' ? new Date(endedAt.getTime() + between(6, 90) * HOUR) : null,
              interviewerIndependent: status === 'held' ? true : null,
              declinedReason: status === 'declined' ? 'Did not want to talk about it' : null,
              createdAt: endedAt,
            });
          }
          episodesMade += 1;
          if (episodesMade % shape.noticeEvery === 0) {
            const raisedAt = endedAt ?? reportedAt;
            const recent = now.getTime() - raisedAt.getTime() < 7 * DAY;
            notices.push({
              childId: id,
              categories: random() < 0.5 ? ['missing'] : ['missing', 'sexual_exploitation'],
              whatHappened: 'Synthetic concern: seen with older adults while missing',
              source: 'Synthetic',
              areaAuthorityCode: host.code,
              raisedByAgencyId: agencyOfLa(la.code),
              raisedAt,
              priority: recent ? null : pick(['red', 'amber', 'green'] as const),
              decisionDueAt: new Date(raisedAt.getTime() + 4 * HOUR),
              decidedAt: recent ? null : new Date(raisedAt.getTime() + between(1, 20) * HOUR),
            });
          }
        });
      }
      await loader.load(child, children);
      await loader.load(childSearchName, names);
      await loader.load(placement, placements);
      await loader.load(childAccess, access);
      await loader.load(episode, episodes);
      await loader.load(riskGrading, gradings);
      await loader.load(returnInterview, interviews);
      await loader.load(notice, notices);
      options.progress?.update(Math.min(from + batch, shape.children));
    }
    options.progress?.stop();
    await loader.commit();
  } catch (error) {
    await loader.rollback();
    throw error;
  }
  await seedScaleIntelligence(database, withTransaction, shape.authorities, { seed: options.seed, now });
  // Outside the load's transaction: settle the GIN indexes' pending lists, set the visibility map
  // for index-only scans, and give the planner its statistics.
  await database.raw.exec('VACUUM ANALYZE');

  const counts: Record<string, number> = {};
  await withTransaction(async (tx) => {
    await recordAudit(tx, systemContext(clock, 'seed'), { action: 'seed.scale', subjectType: 'demo' });
    for (const [name, table] of Object.entries({
      child,
      placement,
      episode,
      returnInterview,
      notice,
      childrensHome,
    })) {
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(table);
      counts[name] = Number(row?.n ?? 0);
    }
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(episode)
      .where(sql`${episode.endedAt} is null`);
    counts.openEpisodes = Number(open?.n ?? 0);
    const [overdue] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(returnInterview)
      .where(
        sql`${returnInterview.status} in ('due', 'offered', 'accepted') and ${returnInterview.dueAt} < ${now}`,
      );
    counts.overdueInterviews = Number(overdue?.n ?? 0);
  });
  return { scale: shape.authorities, seconds: (Date.now() - started) / 1000, counts };
}
