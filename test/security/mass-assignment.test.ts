import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alert } from '../../src/features/alerts/tables';
import { team } from '../../src/features/allocation/tables';
import { intelPattern } from '../../src/features/intelligence/tables';
import { childProfileEntry } from '../../src/features/profiles/tables';
import { sightingAccessCode } from '../../src/features/sightings/tables';
import { trainingRecord, trainingStaff } from '../../src/features/training/tables';
import { type Permission, permissionsOf } from '../../src/platform/access/catalogue';
import { child, childAccess } from '../../src/platform/access/tables';
import { agency } from '../../src/platform/agencies/tables';
import { apiToken, appUser } from '../../src/platform/auth/tables';
import { hashToken } from '../../src/platform/auth/tokens';
import type { RegisteredRoute } from '../../src/platform/http/declarations';
import { startWorkers } from '../../src/platform/jobs/workers';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../support/app';
import { startSmtpPeer, waitFor } from '../support/smtp';
import {
  extraUser,
  fixtureEntities,
  HEALTH_TEXT,
  INTELLIGENCE_TEXT,
  type LeedsFixture,
  leedsFixture,
  MEDICATION_TEXT,
} from './fixture';

// Every write route, pages and API, is sent generated bodies by a user allowed to use it: what its
// form (or the API's schema) asks for, plus protected fields (owner, agency, creator, times, ids,
// grades, decisions, roles, prototype keys) carrying sentinel values. Afterwards no row anywhere may
// hold a sentinel, the sender's own account is unchanged and Object.prototype is clean. Then field
// access: the fixture's intelligence and health text must not reach, through pages, the API,
// exports or email, anyone without the permission to see it.

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  t = await buildTestApp({ apiRateLimitPerMinute: 0, smtpUrl: smtp.url });
  t.clock.set('2026-06-01T12:00:00Z');
  await startWorkers(t.services, 0.5);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Leeds demo users, most useful first: each route is sent by the first who may use it. */
const SENDERS = [
  'social.mash@lantern.invalid',
  'police.mash@lantern.invalid',
  'coordinator@lantern.invalid',
  'missing.lead@lantern.invalid',
  'duty.manager@lantern.invalid',
  'return.worker@lantern.invalid',
  'home.staff@lantern.invalid',
  'health@lantern.invalid',
  'analyst@lantern.invalid',
  'chair@lantern.invalid',
  'agency.admin@lantern.invalid',
  'hub.admin@lantern.invalid',
  'auditor@lantern.invalid',
  'hotel.admin@lantern.invalid',
];

async function userRow(email: string) {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no user ${email}`);
  return row;
}

function mayUse(permissions: Set<Permission>, access: RegisteredRoute['access']): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  if (access === undefined || typeof access === 'object') return false;
  return permissions.has(access);
}

interface Form {
  fields: [string, string][];
}

function decode(v: string): string {
  return v
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** Values some forms need to be valid: the child the routes act on, set once it is made. */
const known: Record<string, string> = {};

/** A valid-looking value for an empty field, from its name (the test clock stands at 1 June 2026). */
function valueFor(name: string, type: string | undefined): string {
  if (known[name]) return known[name] as string;
  if (/email/i.test(name) || type === 'email') return `probe.${randomUUID().slice(0, 8)}@lantern.invalid`;
  const future = /review|until|next/i.test(name);
  const today = /^(endedAt|foundAt)/.test(name);
  if (/-day$/.test(name)) return future ? '20' : today ? '1' : '31';
  if (/-month$/.test(name)) return future || today ? '6' : '5';
  if (/-year$/.test(name)) return '2026';
  if (/-hour$/.test(name)) return '9';
  if (/-minute$/.test(name)) return '30';
  if (/time$/i.test(name)) return '09:30';
  if (/latitude/i.test(name)) return '53.8';
  if (/longitude/i.test(name)) return '-1.55';
  if (/^upn$/i.test(name)) return 'A123456789012';
  if (/urn$/i.test(name)) return 'SC123456';
  if (/date|At$/i.test(name) || type === 'date') return future ? '2026-06-20' : '2026-05-31';
  if (/postcode/i.test(name)) return 'LS1 4AP';
  if (/phone|number/i.test(name) || type === 'tel') return '07700 900123';
  if (/password/i.test(name)) return 'a-long-probe-passphrase-2026';
  if (name === 'code') return 'probe_outcome';
  if (type === 'number') return '3';
  return 'Probe text for this field';
}

/** The forms of a page, by the path they post to, with what a person filling them in would send. */
function formsOf(body: string, page: string): Map<string, Form> {
  const forms = new Map<string, Form>();
  for (const m of body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const head = m[1] ?? '';
    const inner = m[2] ?? '';
    if ((attr(head, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    // A form without an action posts to its own page.
    const action = decode(attr(head, 'action') ?? '').split('?')[0] || page;
    const fields: [string, string][] = [];
    const seen = new Set<string>();
    for (const tag of inner.match(/<input\b[^>]*>/g) ?? []) {
      const name = attr(tag, 'name');
      const type = attr(tag, 'type');
      if (!name || name === '_csrf' || type === 'file') continue;
      if ((type === 'radio' || type === 'checkbox') && seen.has(name)) continue;
      seen.add(name);
      const value = decode(attr(tag, 'value') ?? '');
      fields.push([name, value || (type === 'radio' || type === 'checkbox' ? 'yes' : valueFor(name, type))]);
    }
    for (const tm of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attr(tm[1] ?? '', 'name');
      if (name) fields.push([name, decode(tm[2] ?? '').trim() || valueFor(name, 'text')]);
    }
    for (const sm of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(sm[1] ?? '', 'name');
      const options = [...(sm[2] ?? '').matchAll(/<option\b[^>]*value="([^"]+)"/g)].map((o) =>
        decode(o[1] ?? ''),
      );
      if (name && options[0]) fields.push([name, options[0]]);
    }
    forms.set(action, { fields });
  }
  return forms;
}

const INTELLIGENCE_MARKERS = [
  INTELLIGENCE_TEXT,
  'Grimsdyke',
  '+447700900781',
  '07700 900781',
  'Not to be shared outside West Yorkshire Police',
];
const HEALTH_MARKERS = [HEALTH_TEXT, MEDICATION_TEXT];

/** Those who may see a child's record but hold no intelligence permission, given access to the first child. */
const NO_INTELLIGENCE = [
  'missing.lead@lantern.invalid',
  'duty.manager@lantern.invalid',
  'return.worker@lantern.invalid',
  'home.staff@lantern.invalid',
  'health@lantern.invalid',
];
/** Those who may not see the child's record at all: no child permission, or no access. */
const NO_HEALTH = [
  'analyst@lantern.invalid',
  'chair@lantern.invalid',
  'auditor@lantern.invalid',
  'hub.admin@lantern.invalid',
  'agency.admin@lantern.invalid',
  'hotel.admin@lantern.invalid',
  'neighbour.police@lantern.invalid',
  'neighbour.social@lantern.invalid',
];

let fixture: LeedsFixture;
let entities: Awaited<ReturnType<typeof fixtureEntities>>;
let views = 0;
let shownWithout = 0;

/** The text of a response: a spreadsheet's cells, or the body as sent. */
async function textOfResponse(res: LightMyRequestResponse): Promise<string> {
  if (!String(res.headers['content-type'] ?? '').includes('spreadsheet')) return res.body;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const lines: string[] = [];
  book.eachSheet((sheet) => {
    sheet.eachRow((row) => {
      lines.push(JSON.stringify(row.values));
    });
  });
  return lines.join('\n');
}

describe('field access', () => {
  it('intelligence and health text reach no page, API answer or export of a role without the permission', async () => {
    entities = await fixtureEntities(t);
    fixture = await leedsFixture(t, entities);
    const [first] = fixture.children;
    if (!first) throw new Error('fixture');
    const now = t.clock.now();
    // Share the first child with the health trust, the home provider and the return service.
    for (const email of [
      'health@lantern.invalid',
      'home.staff@lantern.invalid',
      'return.worker@lantern.invalid',
    ]) {
      const { agencyId } = await userRow(email);
      await t.services.withTransaction((tx) =>
        tx.insert(childAccess).values({ childId: first.id, agencyId, basis: 'share', validFrom: now }),
      );
    }
    const ids: Record<string, string> = {
      children: first.id,
      episodes: first.episodeId,
      notices: first.noticeId,
      'return-interviews': fixture.returnInterviewId,
      sightings: fixture.sightingId,
      entities: entities.personId,
      entity: entities.personId,
      child: first.id,
    };
    /** The route with its first parameter filled from the fixture by the segment before it. */
    const fill = (url: string) => {
      let missing = false;
      const filled = url.replace(/\/([a-z-]+)\/:([A-Za-z]+)/g, (_whole, segment: string) => {
        const id = ids[segment];
        if (!id) missing = true;
        return `/${segment}/${id ?? ''}`;
      });
      if (missing || /:[A-Za-z]/.test(filled)) return null;
      return filled;
    };
    const urls = new Set<string>();
    for (const r of t.routes) {
      if (r.method !== 'GET' || r.url.includes('*') || typeof r.access === 'object') continue;
      if (r.url.includes(':format')) {
        urls.add(r.url.replace(':format', 'csv'));
        urls.add(r.url.replace(':format', 'xlsx'));
        continue;
      }
      const u = r.url.includes(':') ? fill(r.url) : r.url;
      if (u) urls.add(u);
    }
    urls.add(`/intelligence/evidence/child/${first.id}?format=json`);
    urls.add(`/intelligence/evidence/entity/${entities.personId}?format=json`);
    const accessOf = (url: string) => {
      const path = url.split('?')[0] ?? '';
      return t.routes.find(
        (r) =>
          r.method === 'GET' &&
          new RegExp(
            `^${r.url.replace(/:[A-Za-z]+/g, '[^/]+').replace(/[.*]/g, (c) => (c === '.' ? '\\.' : '.*'))}$`,
          ).test(path),
      )?.access;
    };
    const leaks: string[] = [];
    for (const [who, markers] of [
      ...NO_INTELLIGENCE.map((e) => [e, INTELLIGENCE_MARKERS] as const),
      ...NO_HEALTH.map((e) => [e, [...HEALTH_MARKERS, ...INTELLIGENCE_MARKERS.slice(0, 1)]] as const),
    ]) {
      const user = await userRow(who);
      const permissions = permissionsOf(user.roles);
      const browser = new Browser(t.app);
      expect((await browser.signIn(who)).statusCode).toBe(303);
      const token = `lnt_probe_${randomUUID()}`;
      await t.services.withTransaction((tx) =>
        tx
          .insert(apiToken)
          .values({ userId: user.id, name: 'probe', tokenHash: hashToken(token), createdAt: now }),
      );
      // Every view of the fixture's own records, and a sample of the rest (lists, reports, exports).
      const theirs = [...urls].filter((url) => mayUse(permissions, accessOf(url)));
      const own = theirs.filter((url) => Object.values(ids).some((id) => url.includes(id)));
      const rest = theirs.filter((url) => !own.includes(url));
      const [sampled = []] = fc.sample(
        fc.shuffledSubarray(rest, {
          minLength: Math.min(12, rest.length),
          maxLength: Math.min(12, rest.length),
        }),
        { numRuns: 1, seed: views + 11 },
      );
      for (const url of [...own, ...sampled]) {
        const res = url.startsWith('/api/')
          ? await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
          : await browser.get(url);
        views += 1;
        const text = await textOfResponse(res);
        for (const m of markers) if (text.includes(m)) leaks.push(`${who} GET ${url}: ${m}`);
      }
    }
    shownWithout += leaks.length;
    // Those who may see it do, so the probes can find it.
    const lead = new Browser(t.app);
    await lead.signIn('police.mash@lantern.invalid');
    expect((await lead.get(`/children/${first.id}/intelligence`)).body).toContain('Grimsdyke');
    expect((await lead.get(`/intelligence/evidence/child/${first.id}`)).body).toContain(INTELLIGENCE_TEXT);
    expect((await lead.get(`/children/${first.id}/profile`)).body).toContain(HEALTH_TEXT);
    if (leaks.length > 0) console.log(leaks.join('\n'));
    expect(leaks).toEqual([]);
    expect(views).toBeGreaterThan(150);
  }, 300_000);
});

describe('mass assignment', () => {
  it('no write route stores a protected field, and no email carries intelligence or health text', async () => {
    const [first, second] = fixture.children;
    if (!first || !second) throw new Error('fixture');
    known.childId = second.id;

    // Sentinels: an agency nobody belongs to, a user who never signs in, a child nobody may see,
    // an id that exists nowhere, a year long past, and a word no form asks for.
    const now = t.clock.now();
    const ghost = await t.services.withTransaction(async (tx) => {
      const [a] = await tx
        .insert(agency)
        .values({
          name: 'Probe Ghost Agency',
          type: 'voluntary',
          email: 'ghost@lantern.invalid',
          createdAt: now,
        })
        .returning({ id: agency.id });
      const [c] = await tx
        .insert(child)
        .values({ givenName: 'Ghost', familyName: 'Probe', createdAt: now })
        .returning({ id: child.id });
      return { agencyId: a?.id ?? '', childId: c?.id ?? '' };
    });
    const ghostUser = await extraUser(
      t,
      'ghost.user@lantern.invalid',
      'neighbour.police@lantern.invalid',
      [],
    );
    const S_ID = randomUUID();
    const S_TIME = '1999-01-02T03:04:05.000Z';
    const S_WORD = 'massprobe';
    const protectedFields: [string, string | string[]][] = [
      ['id', S_ID],
      ['agencyId', ghost.agencyId],
      ['ownerAgencyId', ghost.agencyId],
      ['raisedByAgencyId', ghost.agencyId],
      ['reportedByAgencyId', ghost.agencyId],
      ['authorAgencyId', ghost.agencyId],
      ['createdBy', ghostUser.id],
      ['createdByUserId', ghostUser.id],
      ['authorUserId', ghostUser.id],
      ['userId', ghostUser.id],
      ['createdAt', S_TIME],
      ['updatedAt', S_TIME],
      ['raisedAt', S_TIME],
      ['grade', S_WORD],
      ['riskGrade', S_WORD],
      ['decision', S_WORD],
      ['decidedAt', S_TIME],
      ['decidedByUserId', ghostUser.id],
      ['status', S_WORD],
      ['auditId', S_ID],
      ['childId', ghost.childId],
      ['roles', ['hub_administrator', 'auditor']],
      ['permissions', ['agency:manage-all']],
      ['disabled', 'true'],
      ['disabledAt', S_TIME],
      ['__proto__[polluted]', S_WORD],
      ['constructor[prototype][polluted]', S_WORD],
    ];

    // The records the routes act on: the second fixture child and what hangs from it.
    const leeds = await userRow('social.mash@lantern.invalid');
    // User administration is sent by the police agency's administrator, about a user of that agency.
    const policeAgency = (await userRow('agency.admin@lantern.invalid')).agencyId;
    const throwaway = await extraUser(t, 'probe.leaver@lantern.invalid', 'agency.admin@lantern.invalid', [
      'return_interview_worker',
    ]);
    const lookups = await t.services.withTransaction(async (tx) => {
      const [leedsTeam] = await tx.select({ id: team.id }).from(team).where(eq(team.agencyId, policeAgency));
      const [pattern] = await tx
        .select({ id: intelPattern.id })
        .from(intelPattern)
        .where(eq(intelPattern.entityId, entities.personId));
      const [anAlert] = await tx
        .select({ id: alert.id })
        .from(alert)
        .where(eq(alert.agencyId, leeds.agencyId));
      const [entry] = await tx
        .select({ id: childProfileEntry.id })
        .from(childProfileEntry)
        .where(eq(childProfileEntry.childId, second.id));
      const [code] = await tx.select({ id: sightingAccessCode.id }).from(sightingAccessCode);
      // A staff member of the police agency, whose administrator sends the training routes.
      const [trainee] = await tx
        .insert(trainingStaff)
        .values({
          agencyId: policeAgency,
          givenName: 'Probe',
          familyName: 'Trainee',
          sector: 'police',
          createdAt: now,
        })
        .returning({ id: trainingStaff.id });
      const [trained] = await tx
        .insert(trainingRecord)
        .values({
          staffId: trainee?.id ?? '',
          courseId: '7a1c0000-0000-4000-8000-000000000002',
          completedOn: '2026-01-05',
          validUntil: '2028-01-05',
          createdAt: now,
        })
        .returning({ id: trainingRecord.id });
      return {
        trainee: trainee?.id,
        trained: trained?.id,
        team: leedsTeam?.id,
        pattern: pattern?.id,
        alert: anAlert?.id,
        entry: entry?.id,
        code: code?.id,
      };
    });
    const recordFor: [RegExp, Record<string, string | undefined>][] = [
      [/^\/(api\/v1\/)?children\/:id/, { id: second.id, entryId: lookups.entry, kind: 'phone' }],
      [/^\/(api\/v1\/)?episodes\/:id/, { id: second.episodeId }],
      [/^\/(api\/v1\/)?notices\/:id/, { id: second.noticeId }],
      [/^\/(api\/v1\/)?return-interviews\/:id/, { id: fixture.returnInterviewId }],
      [/^\/(api\/v1\/)?sightings\/:id/, { id: fixture.sightingId }],
      [/^\/admin\/users\/:id/, { id: throwaway.id }],
      [/^\/admin\/agencies\/:id/, { id: policeAgency }],
      [/^\/admin\/teams\/:id/, { id: lookups.team }],
      [/^\/allocations\/:type\/:id/, { type: 'child', id: second.id }],
      [/^\/intelligence\/patterns\/:id/, { id: lookups.pattern }],
      [/^\/alerts\/:id/, { id: lookups.alert }],
      [/^\/sighting-codes\/:id/, { id: lookups.code }],
      [/^\/admin\/thresholds\/:area/, { area: 'E08000035', code: 'probe' }],
      [/^\/(api\/v1\/)?training\/staff\/:id/, { id: lookups.trainee }],
      [/^\/training\/records\/:id/, { id: lookups.trained }],
      [/^\/admin\/training\/courses\/:id/, { id: '7a1c0000-0000-4000-8000-000000000001' }],
    ];
    const concrete = (url: string) => {
      const values = recordFor.find(([p]) => p.test(url))?.[1] ?? {};
      return url.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? randomUUID());
    };

    // A browser and a token for each sender.
    const browsers = new Map<string, Browser>();
    const tokens = new Map<string, string>();
    const browserOf = async (email: string) => {
      let b = browsers.get(email);
      if (!b) {
        b = new Browser(t.app);
        const res = await b.signIn(email);
        expect(res.statusCode, `sign-in as ${email}`).toBe(303);
        await b.get('/');
        browsers.set(email, b);
      }
      return b;
    };
    const tokenOf = async (email: string) => {
      let token = tokens.get(email);
      if (!token) {
        const user = await userRow(email);
        token = `lnt_probe_${randomUUID()}`;
        const hash = hashToken(token);
        await t.services.withTransaction((tx) =>
          tx.insert(apiToken).values({ userId: user.id, name: 'probe', tokenHash: hash, createdAt: now }),
        );
        tokens.set(email, token);
      }
      return token;
    };
    const senders = await Promise.all(
      SENDERS.map(async (email) => ({ email, permissions: permissionsOf((await userRow(email)).roles) })),
    );

    // Bodies the API asks for, by route; protected fields are added to these.
    const apiBodies: Record<string, Record<string, unknown>> = {
      'POST /api/v1/children': { givenName: 'Probe', familyName: 'Mass' },
      'POST /api/v1/notices': {
        childId: second.id,
        categories: ['missing'],
        whatHappened: 'Probe notice',
        source: 'Probe source',
        areaAuthorityCode: 'E08000035',
      },
      'POST /api/v1/notices/:id/priority': { priority: 'high' },
      'POST /api/v1/notices/:id/information': { information: 'Probe information' },
      'POST /api/v1/children/:id/episodes': {
        kind: 'missing',
        startedAt: '2026-05-31T10:00:00Z',
        policeForceCode: 'E23000010',
      },
      'POST /api/v1/episodes/:id/gradings': { grade: 'medium', rationale: 'Probe rationale' },
      'POST /api/v1/episodes/:id/close': { endedAt: '2026-06-01T10:00:00Z' },
      'POST /api/v1/sightings/:id/link': { childId: second.id },
    };

    const writeRoutes = t.routes.filter(
      (r) => STATE_CHANGING.has(r.method) && typeof r.access !== 'object' && r.url !== '/sign-out',
    );
    const pages = new Map<string, Map<string, Form>>();
    /** The form that posts to the path: on the path itself, or on a page above it. */
    const formFor = async (browser: Browser, email: string, path: string): Promise<Form | null> => {
      const parts = path.split('/');
      for (let n = parts.length; n > 1; n -= 1) {
        const page = parts.slice(0, n).join('/');
        const key = `${email} ${page}`;
        let forms = pages.get(key);
        if (!forms) {
          const res = await browser.get(page);
          forms = res.statusCode === 200 ? formsOf(res.body, page) : new Map();
          pages.set(key, forms);
        }
        const form = forms.get(path);
        if (form) return form;
      }
      return null;
    };

    const S_VALUES = [ghost.agencyId, ghostUser.id, ghost.childId, S_ID];
    const polluted = () =>
      (Object.prototype as Record<string, unknown>).polluted !== undefined ||
      ({} as Record<string, unknown>).polluted !== undefined;
    const problems: string[] = [];
    let bodies = 0;
    let accepted = 0;
    let withForm = 0;
    const routesSent = new Set<string>();
    for (const r of writeRoutes) {
      const api = r.url.startsWith('/api/');
      const sender = senders.find((s) => mayUse(s.permissions, r.access));
      if (!sender) {
        problems.push(`no Leeds demo user may use ${r.method} ${r.url}`);
        continue;
      }
      const path = concrete(r.url);
      const browser = r.url === '/sign-in' ? new Browser(t.app) : await browserOf(sender.email);
      if (r.url === '/sign-in') await browser.get('/sign-in');
      const form = api ? null : await formFor(browser, sender.email, path);
      if (form) withForm += 1;
      const legit: [string, string][] =
        r.url === '/sign-in'
          ? [
              ['email', 'duty.manager@lantern.invalid'],
              ['password', DEMO_PASSWORD],
            ]
          : (form?.fields ?? [['reason', 'Probe reason for this change']]);
      const legitNames = new Set(legit.map(([k]) => k));
      const extras = protectedFields.filter(([k]) => !legitNames.has(k) && !(api && k.includes('[')));
      // One generated body a route: the form as filled in, with a generated choice of protected fields.
      const samples = fc.sample(fc.subarray(extras, { minLength: 1 }), { numRuns: 1, seed: bodies + 7 });
      for (const chosen of samples) {
        const before = await userRow(sender.email);
        let res: LightMyRequestResponse;
        if (api) {
          const body = { ...(apiBodies[`${r.method} ${r.url}`] ?? {}) } as Record<string, unknown>;
          for (const [k, v] of chosen) body[k] = v;
          // JSON.parse makes __proto__ an own key, as a hostile client's body would.
          const payload = JSON.stringify(body).replace(/^\{/, '{"__proto__":{"polluted":"massprobe"},');
          res = await t.app.inject({
            method: r.method as 'POST',
            url: path,
            payload,
            headers: {
              authorization: `Bearer ${await tokenOf(sender.email)}`,
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
            },
          });
        } else {
          const body: Record<string, string | string[]> = {};
          for (const [k, v] of legit) body[k] = v;
          for (const [k, v] of chosen) body[k] = v;
          res = await browser.post(path, body);
        }
        bodies += 1;
        routesSent.add(`${r.method} ${r.url}`);
        if (res.statusCode < 400) accepted += 1;
        if (res.statusCode >= 500) problems.push(`${r.method} ${path} → ${res.statusCode}`);
        const after = await userRow(sender.email);
        if (
          JSON.stringify([before.roles, before.agencyId, before.disabledAt]) !==
          JSON.stringify([after.roles, after.agencyId, after.disabledAt])
        ) {
          problems.push(`${r.method} ${r.url} changed its sender's own account`);
        }
        if (polluted()) problems.push(`${r.method} ${r.url} polluted Object.prototype`);
      }
    }

    // Every row of every table, searched once for a sentinel.
    const ghostRows = [ghost.agencyId, ghost.childId, ghostUser.id];
    let ghostRowsSeen = 0;
    const found = await t.services.withTransaction(async (tx) => {
      const tables = (await tx.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      )) as unknown as { rows?: { table_name: string }[] } | { table_name: string }[];
      const names = (Array.isArray(tables) ? tables : (tables.rows ?? [])).map((row) => row.table_name);
      const hits: string[] = [];
      expect(names.length).toBeGreaterThan(50);
      for (const name of names) {
        const result = (await tx.execute(
          sql`select row_to_json(x)::text as j from ${sql.identifier(name)} x`,
        )) as unknown as { rows?: { j: string }[] } | { j: string }[];
        const rows = Array.isArray(result) ? result : (result.rows ?? []);
        for (const { j } of rows) {
          const sentinel = [...S_VALUES, S_WORD, '1999-01-02'].find((s) => j.includes(s));
          if (!sentinel) continue;
          // The ghost agency, child and user themselves: found, which shows the search reads every row.
          if (ghostRows.some((id) => j.startsWith(`{"id":"${id}"`))) {
            ghostRowsSeen += 1;
            continue;
          }
          hits.push(`${name}: ${sentinel} in ${j.slice(0, 200)}`);
        }
      }
      const roleHolders = await tx
        .select({ email: appUser.email })
        .from(appUser)
        .where(sql`'hub_administrator' = any(${appUser.roles}) or 'auditor' = any(${appUser.roles})`);
      for (const u of roleHolders) {
        if (!['hub.admin@lantern.invalid', 'auditor@lantern.invalid'].includes(u.email)) {
          hits.push(`app_user: ${u.email} now holds a role no form gave`);
        }
      }
      const ghostAccess = await tx.select().from(childAccess).where(eq(childAccess.childId, ghost.childId));
      if (ghostAccess.length > 0) hits.push('child_access: the ghost child was shared');
      const ghostUserRow = await tx
        .select()
        .from(appUser)
        .where(and(eq(appUser.id, ghostUser.id)));
      if (ghostUserRow[0]?.roles.length) hits.push('app_user: the ghost user gained roles');
      return hits;
    });
    problems.push(...found);
    expect(ghostRowsSeen).toBe(3);

    // Email: every message sent while the fixture was made and the bodies were sent.
    await waitFor(() => smtp.received.length > 0);
    for (let seen = -1; seen !== smtp.received.length; ) {
      seen = smtp.received.length;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const mails = smtp.received.length;
    const inMail = smtp.received.flatMap((m) =>
      [...INTELLIGENCE_MARKERS, ...HEALTH_MARKERS]
        .filter((x) => m.raw.includes(x))
        .map((x) => `email to ${m.to.join(', ')}: ${x}`),
    );
    problems.push(...inMail);
    console.log(
      `Mass assignment: ${bodies} bodies (one generated a route) to ${routesSent.size} write routes (${withForm} filled from the route's own form, ${accepted} accepted): ${found.length} protected fields set; field access: ${views} views × roles (every view of the fixture's records, 12 sampled lists and exports a user) and ${mails} emails: ${shownWithout + inMail.length} intelligence or health fields shown without permission`,
    );
    if (problems.length > 0) console.log(problems.join('\n'));
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(25);
  }, 300_000);
});
