import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { team } from '../../src/features/allocation/tables';
import { intelPattern } from '../../src/features/intelligence/tables';
import { ssda903Tables } from '../../src/features/reports/ssda903';
import { cseScreening } from '../../src/features/screening/tables';
import { currentTool } from '../../src/features/screening/tool';
import { type Permission, permissionsOf } from '../../src/platform/access/catalogue';
import { apiToken, appUser } from '../../src/platform/auth/tables';
import { hashToken } from '../../src/platform/auth/tokens';
import type { RegisteredRoute } from '../../src/platform/http/declarations';
import { encodeCursor } from '../../src/platform/http/pagination';
import { Browser, buildTestApp, type TestApp } from '../support/app';
import { extraUser, fixtureEntities, type LeedsFixture, leedsFixture, leedsRecords } from './fixture';

// Users of agencies with no part in a fixture held by Leeds send generated queries to every list,
// search, count, export and graph endpoint. Each query runs twice: before the fixture's children
// exist and after. Nothing of the fixture may appear, and nothing they see may change (a count that
// moves is a count of records they may not see). Then every GET route with an id: a record they
// may not see and an id that exists nowhere must give the same answer, byte for byte.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ apiRateLimitPerMinute: 0 });
  t.clock.set('2026-06-01T12:00:00Z');
});
afterAll(async () => {
  await t.close();
});

interface Caller {
  email: string;
  permissions: Set<Permission>;
  browser: Browser;
  token: string | null;
}

interface Endpoint {
  url: string;
  api: boolean;
  access: RegisteredRoute['access'];
  /** Ids that must not appear in this endpoint's answer although the caller may see them elsewhere. */
  alsoForeign?: string[];
}

const UNRELATED = [
  { email: 'neighbour.police@lantern.invalid', token: true },
  { email: 'neighbour.social@lantern.invalid', token: true },
  { email: 'neighbour.lead@lantern.invalid', token: true, extra: ['missing_lead'] },
  { email: 'neighbour.admin@lantern.invalid', token: false, extra: ['agency_administrator'] },
  { email: 'health@lantern.invalid', token: false },
  { email: 'home.staff@lantern.invalid', token: false },
] as const;

async function userRow(email: string) {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no user ${email}`);
  return row;
}

async function callerFor(u: (typeof UNRELATED)[number]): Promise<Caller> {
  if ('extra' in u) await extraUser(t, u.email, 'neighbour.social@lantern.invalid', [...u.extra]);
  const row = await userRow(u.email);
  const browser = new Browser(t.app);
  const res = await browser.signIn(u.email);
  expect(res.statusCode, `sign-in as ${u.email}`).toBe(303);
  expect(String(res.headers.location)).not.toMatch(/sign-in|second-factor|password/);
  let token: string | null = null;
  if (u.token) {
    token = `lnt_probe_${randomUUID()}`;
    await t.services.withTransaction((tx) =>
      tx.insert(apiToken).values({
        userId: row.id,
        name: 'probe',
        tokenHash: hashToken(token ?? ''),
        createdAt: t.clock.now(),
      }),
    );
  }
  return { email: u.email, permissions: permissionsOf(row.roles), browser, token };
}

function admits(caller: Caller, endpoint: Pick<Endpoint, 'access' | 'api'>): boolean {
  if (endpoint.api && !caller.token) return false;
  const access = endpoint.access;
  if (access === 'public' || access === 'signed-in') return true;
  if (access === undefined || typeof access === 'object') return false;
  return caller.permissions.has(access);
}

function send(caller: Caller, url: string, api: boolean): Promise<LightMyRequestResponse> {
  if (api) {
    return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${caller.token}` } });
  }
  return caller.browser.get(url);
}

/**
 * What differs between two identical requests and says nothing about the data: the CSP nonce, the
 * CSRF token, the request id, and the fresh key the second-factor page offers on every visit.
 * Nothing else is touched.
 */
function perRequestBlanked(body: string): string {
  return body
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .replace(/"requestId":"[^"]*"/g, '"requestId":""')
    .replace(/Request id:? ?[0-9a-zA-Z-]+/g, 'Request id')
    .replace(/ · reference [0-9a-f-]{36} · /g, ' · reference · ')
    .replace(/name="secret" value="[A-Z2-7]+"/g, 'name="secret" value=""')
    .replace(/id="totp-secret"([^>]*)>[A-Z2-7 ]+</g, 'id="totp-secret"$1><')
    .replace(/secret=[A-Z2-7]+/g, 'secret=');
}

const echoForms = (v: string) => [
  v,
  encodeURIComponent(v),
  new URLSearchParams({ x: v }).toString().slice(2),
  v.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'),
];

/** The fixture's terms found in a body, once what the request itself said is taken out. */
function foreignIn(body: string, echoed: string[], foreign: string[]): string[] {
  let text = body.toLowerCase();
  for (const v of echoed.flatMap(echoForms).sort((a, b) => b.length - a.length)) {
    if (v.length > 0) text = text.split(v.toLowerCase()).join(' ');
  }
  return foreign.filter((f) => f && text.includes(f.toLowerCase()));
}

/** A spreadsheet as the text of its cells, sheet by sheet: the zip around it carries the time it was made. */
async function sheetText(bytes: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const lines: string[] = [];
  book.eachSheet((sheet) => {
    lines.push(`# ${sheet.name}`);
    sheet.eachRow((row) => {
      lines.push(JSON.stringify(row.values));
    });
  });
  return lines.join('\n');
}

const QUERY_KEYS = [
  'after',
  'name',
  'identifier',
  'dateOfBirth',
  'dob-day',
  'dob-month',
  'dob-year',
  'q',
  'kind',
  'area',
  'agency',
  'from',
  'to',
  'year',
  'time',
  'size',
  'type',
  'list',
  'limit',
  'decided',
  'child',
  'subject',
  'actor',
  'show',
  'linked',
  'raised',
  'format',
  'postcode',
];

describe('leaks to users of unrelated agencies', () => {
  it('show no foreign id and no count of foreign records, and a forbidden record looks missing', async () => {
    const entities = await fixtureEntities(t);
    const callers: Caller[] = [];
    for (const u of UNRELATED) callers.push(await callerFor(u));

    // The endpoints: GET routes without path parameters, the downloads, and the graph around the entities.
    const endpoints: Endpoint[] = t.routes
      .filter((r) => r.method === 'GET' && !r.url.includes(':') && !r.url.includes('*'))
      .map((r) => ({ url: r.url, api: r.url.startsWith('/api/'), access: r.access }));
    const route = (url: string) => t.routes.find((r) => r.method === 'GET' && r.url === url)?.access;
    for (const format of ['csv', 'xlsx'])
      endpoints.push({
        url: `/reports/annual/download.${format}`,
        api: false,
        access: route('/reports/annual/download.:format'),
      });
    for (const table of ssda903Tables) {
      endpoints.push({
        url: `/reports/ssda903/${table}`,
        api: false,
        access: route('/reports/ssda903/:table'),
      });
      endpoints.push({
        url: `/api/v1/reports/ssda903/${table}`,
        api: true,
        access: route('/api/v1/reports/ssda903/:table'),
      });
    }
    const graph: Endpoint[] = [
      ['/intelligence/network/entity/', entities.personId, entities.phoneId],
      ['/intelligence/network/entity/', entities.phoneId, entities.personId],
      ['/intelligence/entities/', entities.personId, entities.phoneId],
      ['/intelligence/entities/', entities.phoneId, entities.personId],
      ['/intelligence/evidence/entity/', entities.personId, entities.phoneId],
      ['/intelligence/evidence/entity/', entities.phoneId, entities.personId],
    ].map(([prefix, id, other]) => ({
      url: `${prefix}${id}`,
      api: false,
      access: 'intelligence:view' as const,
      alsoForeign: [other ?? ''],
    }));
    endpoints.push(...graph);

    // Search terms: names and parts of them, near spellings, identifiers, postcodes, phone numbers,
    // dates, ids and page cursors built from the fixture's own values.
    const fixtureChildren = [
      ['Zephyrine', 'Quillfeather', 'LCX4100', 'LS6 1QJ', '07700 900650', '2010-04-10'],
      ['Marisol', 'Drummondley', 'LCX4101', 'LS6 2QJ', '07700 900651', '2011-04-11'],
      ['Tobiah', 'Wrexhamstone', 'LCX4102', 'LS6 3QJ', '07700 900652', '2012-04-12'],
    ];
    const terms = fixtureChildren.flatMap(
      ([given = '', family = '', lcid = '', postcode = '', phone = '', dob = '']) => [
        given,
        family,
        `${given} ${family}`,
        given.slice(0, 4),
        family.slice(0, 5).toLowerCase(),
        `${given.slice(0, -1)}e ${family}`,
        lcid,
        postcode,
        postcode.replace(' ', ''),
        phone,
        `+44${phone.replace(/\s/g, '').slice(1)}`,
        dob,
        dob.slice(0, 4),
      ],
    );
    terms.push(
      'Ottoline Grimsdyke',
      'Grimsdyke',
      '07700 900781',
      'Probe Quay',
      'LS6',
      'E08000035',
      'E23000010',
    );
    const idSlots = Array.from({ length: 8 }, () => randomUUID());
    const value = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...terms) },
      {
        weight: 2,
        arbitrary: fc.constantFrom('1', '2', 'true', 'yes', 'csv', 'json', 'person', 'phone', 'child'),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...terms), fc.constantFrom(...idSlots), fc.boolean())
          .map(([a, b, three]) => encodeCursor(three ? [a, '2026-05-31T10:00:00.000Z', b] : [a, b])),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    );
    const allowed = callers.map((c) => endpoints.filter((e) => admits(c, e)));
    const generated = fc.sample(
      fc.record({
        caller: fc.nat(callers.length - 1),
        endpoint: fc.nat(10_000),
        params: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), value), { maxLength: 4 }),
      }),
      { numRuns: 160, seed: 20_260_601 },
    );
    type Query = { caller: number; endpoint: Endpoint; params: [string, string][] };
    const queries: Query[] = [];
    // Every endpoint each caller may use, once without a query; then the generated ones.
    allowed.forEach((list, caller) => {
      for (const endpoint of list) queries.push({ caller, endpoint, params: [] });
    });
    for (const g of generated) {
      const list = allowed[g.caller] ?? [];
      const endpoint = list[g.endpoint % list.length];
      if (endpoint) queries.push({ caller: g.caller, endpoint, params: g.params });
    }
    const urlOf = (q: Query) => {
      const qs = new URLSearchParams(q.params).toString();
      return qs ? `${q.endpoint.url}${q.endpoint.url.includes('?') ? '&' : '?'}${qs}` : q.endpoint.url;
    };

    const run = async () => {
      const out: { status: number; type: string; body: string }[] = [];
      for (const q of queries) {
        const caller = callers[q.caller] as Caller;
        const res = await send(caller, urlOf(q), q.endpoint.api);
        const type = String(res.headers['content-type'] ?? '');
        out.push({
          status: res.statusCode,
          type,
          body: type.includes('spreadsheet') ? await sheetText(res.rawPayload) : res.body,
        });
      }
      return out;
    };
    // Each token used once first, so "last used" on the tokens page does not count as a change.
    for (const c of callers) if (c.token) await send(c, '/api/v1/me', true);
    const before = await run();

    // The fixture: Leeds's children and everything about them, and Leeds's other records.
    const fixture: LeedsFixture = await leedsFixture(t, entities);
    const records = await leedsRecords(t, fixture);
    expect(fixture.children.map((c) => [c.givenName, c.familyName, c.localAuthorityChildId])).toEqual(
      fixtureChildren.map(([g, f, l]) => [g, f, l]),
    );
    const after = await run();

    const foreignIds: string[] = [];
    const changed: string[] = [];
    const serverErrors: string[] = [];
    queries.forEach((q, i) => {
      const caller = callers[q.caller] as Caller;
      const a = before[i];
      const b = after[i];
      if (!a || !b) return;
      const label = `${caller.email} GET ${urlOf(q)}`;
      if (b.status >= 500) serverErrors.push(`${label} → ${b.status}`);
      const foreign = [
        ...fixture.childTerms,
        ...records.terms,
        ...(q.endpoint.alsoForeign ?? []),
        // Entities are shared with everyone who holds the intelligence permission; nobody else sees them.
        ...(caller.permissions.has('intelligence:view')
          ? []
          : [entities.personId, entities.phoneId, 'Grimsdyke', '+447700900781']),
      ];
      const found = foreignIn(
        b.body,
        q.params.map(([, v]) => v),
        foreign,
      );
      if (found.length > 0) foreignIds.push(`${label}: ${found.join(', ')}`);
      if (
        a.status !== b.status ||
        a.type !== b.type ||
        perRequestBlanked(a.body) !== perRequestBlanked(b.body)
      ) {
        changed.push(`${label}: ${a.status} → ${b.status}`);
      }
    });

    // The same searches find the fixture for those who hold it, so the queries can reach it.
    const owner = new Browser(t.app);
    await owner.signIn('social.mash@lantern.invalid');
    let ownerHits = 0;
    for (const c of fixture.children) {
      for (const [url, id] of [
        [`/children?name=${encodeURIComponent(c.familyName)}`, c.id],
        ['/children', c.id],
        ['/mash', c.noticeId],
      ] as const) {
        if ((await owner.get(url)).body.includes(id)) ownerHits += 1;
      }
    }
    expect(ownerHits).toBe(fixture.children.length * 3);
    expect((await owner.get('/justice-cases')).body).toContain(records.openJusticeCaseId);
    const ownerNetwork = await owner.get(`/intelligence/network/entity/${entities.personId}`);
    expect(ownerNetwork.body).toContain(fixture.children[0]?.id);

    // Every GET route with an id: a record of the fixture and an id that exists nowhere.
    const leedsUser = await userRow('social.mash@lantern.invalid');
    const [screening] = await t.services.withTransaction((tx) =>
      tx
        .insert(cseScreening)
        .values({
          childId: fixture.children[0]?.id ?? '',
          toolVersion: currentTool.version,
          answers: {},
          items: [],
          score: 0,
          level: 'not_at_risk',
          reviewOn: '2026-09-01',
          screenedByAgencyId: leedsUser.agencyId,
          screenedAt: t.clock.now(),
        })
        .returning({ id: cseScreening.id }),
    );
    const [leedsTeam] = await t.services.withTransaction((tx) =>
      tx.select({ id: team.id }).from(team).where(eq(team.agencyId, leedsUser.agencyId)),
    );
    const [pattern] = await t.services.withTransaction((tx) =>
      tx
        .select({ id: intelPattern.id })
        .from(intelPattern)
        .where(eq(intelPattern.entityId, entities.personId)),
    );
    const child = fixture.children[0];
    if (!child) throw new Error('fixture');

    /**
     * For each GET route with an id, by its path up to its first parameter: a record of the fixture
     * that the chosen caller may not see. The caller is the first unrelated user the route's
     * declaration admits and `caller` accepts; `params` fills the route's other fixed parameters;
     * `owner`, when given, is someone who may see the record, and must get it, so the probe is
     * known to compare a real record with a missing one.
     */
    interface Probe {
      route: RegExp;
      id: string | undefined;
      params?: Record<string, string>;
      caller?: (c: Caller) => boolean;
      owner?: string;
    }
    // A pattern is shown to every intelligence user, the MASH and subgroup chairs, children
    // counted but not named; it is forbidden to everyone else.
    const patternReaders: Permission[] = ['intelligence:view', 'notice:triage', 'subgroup:manage'];
    const probes: Probe[] = [
      { route: /^\/(api\/v1\/)?children\/:id/, id: child.id, params: { kind: 'phone' } },
      { route: /^\/intelligence\/(network|evidence)\/child\/:id/, id: child.id },
      { route: /^\/allocations\/:type\/:id/, id: child.id, params: { type: 'child' } },
      { route: /^\/(api\/v1\/)?episodes\/:id/, id: child.episodeId },
      { route: /^\/(api\/v1\/)?notices\/:id/, id: child.noticeId },
      { route: /^\/(api\/v1\/)?return-interviews\/:id/, id: fixture.returnInterviewId },
      { route: /^\/(api\/v1\/)?sightings\/:id/, id: fixture.sightingId },
      { route: /^\/(api\/v1\/)?screenings\/:id/, id: screening?.id },
      { route: /^\/admin\/users\/:id/, id: leedsUser.id },
      { route: /^\/admin\/agencies\/:id/, id: leedsUser.agencyId },
      { route: /^\/work\/teams\/:id/, id: leedsTeam?.id },
      {
        route: /^\/intelligence\/patterns\/:id/,
        id: pattern?.id,
        caller: (c) => !patternReaders.some((p) => c.permissions.has(p)),
      },
      // A home is shown to its authority, the force covering it and its provider.
      { route: /^\/homes\/:id/, id: records.homeId, owner: 'police.mash@lantern.invalid' },
      // A warning notice needs the child as well as the intelligence permission.
      { route: /^\/warning-notices\/:id/, id: records.warningNoticeId, owner: 'police.mash@lantern.invalid' },
      // A strategy discussion is seen through its notice or by the agencies invited.
      {
        route: /^\/strategy-discussions\/:id/,
        id: records.strategyDiscussionId,
        owner: 'social.mash@lantern.invalid',
      },
      // A subgroup and its meetings are its members' and its area's subgroup managers'.
      { route: /^\/subgroups\/:id/, id: records.subgroupId, owner: 'chair@lantern.invalid' },
      { route: /^\/subgroup-meetings\/:id/, id: records.meetingId, owner: 'chair@lantern.invalid' },
      // A record due for review is its holder's administrators' (and the hub administrator's).
      {
        route: /^\/admin\/retention\/:type\/:id/,
        id: records.dueSightingId,
        params: { type: 'sighting' },
        caller: (c) => !c.permissions.has('retention:review-all'),
        owner: 'hub.admin@lantern.invalid',
      },
      // Justice and advocacy records follow the child's access rules.
      {
        route: /^\/(api\/v1\/)?justice-cases\/:id/,
        id: records.justiceCaseId,
        owner: 'police.mash@lantern.invalid',
      },
      { route: /^\/support-reviews\/:id/, id: records.supportReviewId, owner: 'social.mash@lantern.invalid' },
      {
        route: /^\/(api\/v1\/)?advocacy(-meetings)?\/:id/,
        id: records.advocacyMeetingId,
        owner: 'social.mash@lantern.invalid',
      },
      // Training is the organisation's, its authority's and the hub's: the Leeds hotel's staff.
      {
        route: /^\/training\/organisations\/:id/,
        id: records.trainingOrganisationId,
        owner: 'social.mash@lantern.invalid',
      },
      {
        route: /^\/training\/staff\/:id\/(records|leave)$/,
        id: records.trainingStaffId,
        owner: 'hotel.admin@lantern.invalid',
      },
      {
        route: /^\/(api\/v1\/)?training\/staff\/:id/,
        id: records.trainingStaffId,
        owner: 'social.mash@lantern.invalid',
      },
      {
        route: /^\/training\/records\/:id/,
        id: records.trainingRecordId,
        owner: 'hotel.admin@lantern.invalid',
      },
      // Routes added by other features go here, each with a record of the fixture to forbid.
    ];
    /**
     * Id routes where no record can be forbidden to a user the route admits, so nothing is probed.
     * Each reason says why; what such pages show inside is checked by the queries above.
     */
    const exempt: [RegExp, string][] = [
      [/^\/admin\/users\/:id\/move$/, 'only the hub administrator moves users, and sees every agency'],
      [/^\/admin\/thresholds\/:area$/, 'only the hub administrator sets thresholds, for every area'],
      [
        /^\/intelligence\/(entities|network\/entity|evidence\/entity)\/:id$/,
        'an entity is shared with every intelligence user; links to children they may not see, and C-coded ones, are left out inside',
      ],
      [
        /^\/intelligence\/resolution\/:id$/,
        'a possible duplicate pairs two entities, and every user who resolves duplicates sees every entity',
      ],
      [/^\/intelligence\/hotspots\/cells\/:cell$/, 'a cell is a place on the map, not a record'],
      [
        /^\/(api\/v1\/)?reports\/ssda903\/:table$/,
        'the table is one of a fixed list, each of which the queries above send',
      ],
      [
        /^\/admin\/training\/courses\/:id$/,
        'courses are one list for every organisation, set up by the hub administrator only',
      ],
    ];
    const idRoutes = t.routes.filter((r) => r.method === 'GET' && r.url.includes('/:'));
    const neither: string[] = [];
    const exempted: string[] = [];
    const notShownToOwner: string[] = [];
    const differing: string[] = [];
    let probed = 0;
    const owners = new Map<string, Browser>();
    for (const r of idRoutes) {
      const probe = probes.find((p) => p.route.test(r.url));
      const api = r.url.startsWith('/api/');
      const caller = callers.find(
        (c) => admits(c, { access: r.access, api }) && (probe?.caller ? probe.caller(c) : true),
      );
      const record = probe?.id;
      if (!probe || !record || !caller) {
        if (exempt.some(([pattern]) => pattern.test(r.url))) exempted.push(r.url);
        else neither.push(r.url);
        continue;
      }
      const missing = randomUUID();
      const others = new Map<string, string>();
      const fill = (id: string) => {
        let first = true;
        return r.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
          const fixed = probe.params?.[name];
          if (fixed) return fixed;
          if (first) {
            first = false;
            return id;
          }
          if (!others.has(name)) others.set(name, randomUUID());
          return others.get(name) as string;
        });
      };
      // The owner signs in with a browser: the page for the same record shows that it exists.
      if (probe.owner && !api) {
        let owner = owners.get(probe.owner);
        if (!owner) {
          owner = new Browser(t.app);
          await owner.signIn(probe.owner);
          owners.set(probe.owner, owner);
        }
        const shown = await owner.get(fill(record));
        if (shown.statusCode !== 200)
          notShownToOwner.push(`${probe.owner} GET ${r.url}: ${shown.statusCode}`);
      }
      const forbiddenRes = await send(caller, fill(record), api);
      const missingRes = await send(caller, fill(missing), api);
      probed += 1;
      const same = (res: LightMyRequestResponse, id: string) => ({
        status: res.statusCode,
        type: res.headers['content-type'],
        body: perRequestBlanked(res.body).split(id).join(':id'),
      });
      const f = same(forbiddenRes, record);
      const m = same(missingRes, missing);
      if (f.status !== m.status || f.type !== m.type || f.body !== m.body) {
        differing.push(`${caller.email} GET ${r.url}: ${f.status} vs ${m.status}`);
      }
    }
    const unusedExemptions = exempt.filter(([pattern]) => !idRoutes.some((r) => pattern.test(r.url)));

    // A pattern's evidence leaves out links with handling code C recorded by another agency.
    let cCodedShown = 0;
    if (pattern) {
      const ownForce = new Browser(t.app);
      await ownForce.signIn('police.mash@lantern.invalid');
      expect((await ownForce.get(`/intelligence/patterns/${pattern.id}`)).body).toContain('3EC');
      for (const c of callers.filter((c) => c.permissions.has('intelligence:view'))) {
        const page = await send(c, `/intelligence/patterns/${pattern.id}`, false);
        if (page.body.includes('3EC')) cCodedShown += 1;
      }
    }
    expect(pattern, 'a pattern raised by the fixture').toBeDefined();

    const users = new Set(queries.map((q) => q.caller)).size;
    const endpointCount = new Set(queries.map((q) => q.endpoint.url)).size;
    console.log(
      `Leaks: ${queries.length} queries (${generated.length} generated, each run before and after the fixture) over ${endpointCount} endpoints by ${users} unrelated users: ${foreignIds.length} foreign ids, ${changed.length} count mismatches, ${serverErrors.length} server errors, ${cCodedShown} C-coded links in patterns; ${idRoutes.length} id routes: ${probed} probed, forbidden and missing ${differing.length === 0 ? 'byte-identical' : `differ on ${differing.length}`}; ${exempted.length} exempt, no record of theirs to forbid; ${neither.length} neither probed nor exempt`,
    );
    if (foreignIds.length + changed.length > 0) console.log([...foreignIds, ...changed].join('\n'));
    expect(foreignIds).toEqual([]);
    expect(changed).toEqual([]);
    expect(serverErrors).toEqual([]);
    expect(differing).toEqual([]);
    expect(notShownToOwner, 'each probed record is shown to someone who may see it').toEqual([]);
    // A new id route needs a record of the fixture in `probes`, or a reason in `exempt`.
    expect(neither, 'id routes neither probed nor exempt').toEqual([]);
    expect(
      unusedExemptions.map(([pattern]) => String(pattern)),
      'exemptions that match no route',
    ).toEqual([]);
    expect(cCodedShown).toBe(0);
    expect(probed).toBeGreaterThan(30);
    console.log(`Leaks: id routes exempt: ${exempted.join(', ')}`);
  }, 240_000);
});
