import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notice } from '../../src/features/notices/tables';
import { sighting, sightingAccessCode } from '../../src/features/sightings/tables';
import { type Permission, permissionsOf } from '../../src/platform/access/catalogue';
import { agency } from '../../src/platform/agencies/tables';
import { type PendingStep, setPendingStep } from '../../src/platform/auth/sessions';
import { apiToken, appUser } from '../../src/platform/auth/tables';
import { hashToken } from '../../src/platform/auth/tokens';
import type { RegisteredRoute } from '../../src/platform/http/declarations';
import { SESSION_COOKIE } from '../../src/platform/http/web';
import { demoUsers } from '../../src/synth/demo';
import { seedDemoRecords } from '../../src/synth/demo-records';
import { Browser, buildTestApp, type TestApp } from '../support/app';

// Every form route and every API route, fed generated input by a user the route admits, with a
// valid CSRF token or bearer token, so that what is tested is validation rather than permission:
// huge, unicode and nested values, wrong types, prototype-pollution keys, SQL fragments, odd path
// parameters, query strings and content types. No answer may be a 5xx, and nothing invalid may be
// stored. Generated from a fixed seed (printed); FUZZ_RUNS and FUZZ_SEED run more or other cases.

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
/** The longest free text any form of the house accepts (a case note, a sighting). */
const LONGEST_TEXT = 8000;
const LEEDS = 'E08000035';

let t: TestApp;

beforeAll(async () => {
  // The API's per-address limit would turn most of the run into 429s.
  t = await buildTestApp({ apiRateLimitPerMinute: 0 });
  await seedDemoRecords(t.services.withTransaction, t.clock, { children: 6, episodes: 12, homes: 2 });
}, 120_000);
afterAll(async () => {
  await t.close();
});

// ---------------------------------------------------------------------------------------------
// Generated values

const nasty = fc.constantFrom(
  "' OR 1=1 --",
  '; DROP TABLE child;',
  "x'); DELETE FROM app_user; --",
  'a\u0000b',
  '\u0000',
  '\uD800',
  'lone \uDFFF surrogate',
  'e\u0301\u0301\u0301\u0301',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  '👩‍👧‍👦🧒🏽',
  '<script>alert(1)</script>',
  '{{ 7 * 7 }}',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  '   ',
  '',
  '\t\r\n',
  '1e309',
  '-1',
  'NaN',
  '2026-02-30',
  '９９',
  'true',
  'null',
  '00000000-0000-0000-0000-000000000000',
);
const huge = fc
  .tuple(fc.constantFrom(100_000, 20_000, LONGEST_TEXT + 1), fc.constantFrom('x', 'é', '🧒', ' ', '\u0000'))
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));
const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const pollutionKeys = ['__proto__', 'constructor', 'prototype'];
const fuzzKey = fc.oneof(
  fc.constantFrom(...pollutionKeys, 'polluted', 'id', 'agencyId'),
  fc.string({ maxLength: 12 }),
);
const fuzzJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fuzzString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fuzzKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const oddPathValue = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    'x'.repeat(5000),
    '..%2F..%2Fadmin',
    '%2F',
    '%00',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    `${randomUUID()}%00`,
    '%F0%9F%A7%92',
    encodeURIComponent("' OR 1=1 --"),
    '-1',
    '__proto__',
    '%E0%A4%A',
    '%',
  ),
  // Lone surrogates cannot be percent-encoded; a client sends them as U+FFFD.
  fuzzString.map((s) => encodeURIComponent(Buffer.from(s.slice(0, 2000)).toString())),
);
const oddQuery = fc.oneof(
  fc.constantFrom(
    '',
    '?__proto__[polluted]=yes',
    '?constructor[prototype][polluted]=yes',
    '?page=-1&pageSize=1000000',
    '?page=99999999999999999999',
    '?q=%00&sort=%27%20OR%201%3D1',
    `?q=${'x'.repeat(20_000)}`,
    '?a=1&a=2&a=3',
    '?%=%',
  ),
  fc
    .dictionary(
      fuzzKey,
      fuzzString.map((s) => s.slice(0, 2000)),
      { maxKeys: 3 },
    )
    .map((d) => `?${new URLSearchParams(d as Record<string, string>).toString()}`),
);

type Encoding = 'form' | 'json' | 'malformed-json' | 'empty' | 'text' | 'multipart';
const pageEncoding = fc.constantFrom<Encoding>(
  'form',
  'form',
  'form',
  'form',
  'form',
  'json',
  'malformed-json',
  'empty',
  'text',
  'multipart',
);
const apiEncoding = fc.constantFrom<Encoding>(
  'json',
  'json',
  'json',
  'json',
  'form',
  'malformed-json',
  'empty',
  'text',
);

interface Case {
  /** Which fields keep a plausible value and which get a generated one. */
  fields: { keep: boolean; value: string | string[]; option: number; json: unknown }[];
  extra: [string, unknown][];
  encoding: Encoding;
  oddPath: string | null;
  query: string;
}
const caseArb = (encoding: fc.Arbitrary<Encoding>): fc.Arbitrary<Case> =>
  fc.record({
    fields: fc.array(
      fc.record({
        keep: fc.boolean(),
        value: fc.oneof(
          { weight: 4, arbitrary: fuzzString },
          { weight: 1, arbitrary: fc.array(fuzzString, { maxLength: 3 }) },
        ),
        option: fc.nat(),
        json: fuzzJson,
      }),
      { minLength: 40, maxLength: 40 },
    ),
    extra: fc.array(fc.tuple(fuzzKey, fuzzJson), { maxLength: 3 }),
    encoding,
    oddPath: fc.option(oddPathValue, { freq: 5 }),
    query: fc.option(oddQuery, { freq: 3 }).map((q) => q ?? ''),
  });

// ---------------------------------------------------------------------------------------------
// Who sends it, to which record

interface Fixtures {
  childId: string;
  probeUserId: string;
  probeAgencyId: string;
  probeTokenId: string;
}
let fixtures: Fixtures;
let fixturesMade: Promise<Fixtures> | null = null;
function ensureFixtures(): Promise<Fixtures> {
  fixturesMade ??= makeFixtures().then((f) => {
    fixtures = f;
    return f;
  });
  return fixturesMade;
}

async function one(sql: string, params: unknown[] = []): Promise<string | undefined> {
  const { rows } = await t.database.raw.query<{ v: unknown }>(sql, params);
  return rows[0]?.v === undefined || rows[0]?.v === null ? undefined : String(rows[0].v);
}

async function userRow(email: string) {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select().from(appUser).where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no user ${email}`);
  return row;
}

async function makeFixtures(): Promise<Fixtures> {
  const leeds = await userRow('social.mash@lantern.invalid');
  const hub = await userRow('hub.admin@lantern.invalid');
  const hotel = await userRow('hotel.admin@lantern.invalid');
  const childId = await one(
    `select c.id as v from child c join child_access a on a.child_id = c.id
      where a.agency_id = $1 and a.valid_to is null order by c.id limit 1`,
    [leeds.agencyId],
  );
  if (!childId) throw new Error('no child of Leeds in the seed');
  const now = t.clock.now();
  return t.services.withTransaction(async (tx) => {
    await tx.insert(notice).values({
      childId,
      categories: ['missing'],
      whatHappened: 'Probe',
      source: 'Probe',
      areaAuthorityCode: LEEDS,
      raisedByAgencyId: leeds.agencyId,
      raisedAt: now,
      decisionDueAt: new Date(now.getTime() + 4 * 3_600_000),
    });
    const [code] = await tx
      .insert(sightingAccessCode)
      .values({
        agencyId: hotel.agencyId,
        areaAuthorityCode: LEEDS,
        label: 'Probe',
        codeHash: randomUUID(),
        createdAt: now,
      })
      .returning({ id: sightingAccessCode.id });
    await tx.insert(sighting).values({
      reference: `S-${randomUUID().slice(0, 9)}`,
      accessCodeId: code?.id ?? '',
      agencyId: hotel.agencyId,
      areaAuthorityCode: LEEDS,
      seenAt: new Date(now.getTime() - 3_600_000),
      place: 'Probe',
      whatSeen: 'Probe',
      createdAt: now,
    });
    const [probeUser] = await tx
      .insert(appUser)
      .values({
        agencyId: hub.agencyId,
        email: `probe.${randomUUID()}@lantern.invalid`,
        name: 'Probe Colleague',
        roles: [],
        createdAt: now,
      })
      .returning({ id: appUser.id });
    const [probeAgency] = await tx
      .select({ id: agency.id })
      .from(agency)
      .where(eq(agency.name, 'Brightwater Children’s Homes Ltd'));
    const [token] = await tx
      .insert(apiToken)
      .values({
        userId: hub.id,
        name: 'probe',
        tokenHash: hashToken(`lnt_probe_${randomUUID()}`),
        createdAt: now,
      })
      .returning({ id: apiToken.id });
    return {
      childId,
      probeUserId: probeUser?.id ?? '',
      probeAgencyId: probeAgency?.id ?? '',
      probeTokenId: token?.id ?? '',
    };
  });
}

/** The table behind each path segment that precedes an id, for a real record to aim at. */
const tableOf: Record<string, string> = {
  placements: 'placement',
  'care-episodes': 'care_episode',
  entries: 'child_profile_entry',
  shares: 'child_share',
  episodes: 'episode',
  'return-interviews': 'return_interview',
  alerts: 'alert',
  patterns: 'intel_pattern',
  notices: 'notice',
  'strategy-discussions': 'strategy_discussion',
  outcomes: 'threshold_outcome',
  'break-glass': 'break_glass',
  teams: 'team',
  'sighting-codes': 'sighting_access_code',
  sightings: 'sighting',
  subgroups: 'subgroup',
  'subgroup-meetings': 'subgroup_meeting',
  'warning-notices': 'warning_notice',
  advocacy: 'advocacy_meeting',
  'advocacy-meetings': 'advocacy_meeting',
  'justice-cases': 'justice_case',
  'support-reviews': 'justice_support_review',
  resolution: 'intel_candidate',
  merges: 'intel_merge',
  screenings: 'cse_screening',
  courses: 'training_course',
};

/** A real value for each path parameter, or an unused id where the seed has no such record. */
async function realUrl(route: RegisteredRoute, actorAgencyId: string): Promise<string> {
  const segments = route.url.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i += 1) {
    const seg = segments[i] ?? '';
    if (!seg.startsWith(':')) {
      out.push(seg);
      continue;
    }
    const before = segments[i - 1] ?? '';
    const name = seg.slice(1);
    let value: string | undefined;
    if (before === 'children' || before === 'allocations') value = fixtures.childId;
    // Training records of the sender's own organisation (the demo seeds some for the force).
    else if (before === 'staff' && route.url.includes('/training/'))
      value = await one('select id as v from training_staff where agency_id = $1 limit 1', [actorAgencyId]);
    else if (before === 'records' && route.url.includes('/training/'))
      value = await one(
        'select r.id as v from training_record r join training_staff s on s.id = r.staff_id where s.agency_id = $1 limit 1',
        [actorAgencyId],
      );
    else if (before === 'organisations') value = actorAgencyId;
    else if (name === 'type') value = 'child';
    else if (name === 'kind') value = 'phones';
    else if (name === 'area') value = LEEDS;
    else if (name === 'table') value = 'header';
    else if (name === 'userId') value = fixtures.probeUserId;
    else if (before === 'users') value = fixtures.probeUserId;
    else if (before === 'api-tokens') value = fixtures.probeTokenId;
    else if (before === 'agencies')
      value = /out-of-hours|teams/.test(route.url) ? actorAgencyId : fixtures.probeAgencyId;
    else if (name === 'code') value = await one('select code as v from threshold_outcome limit 1');
    else if (name === 'actionId')
      value = await one(
        `select id as v from ${route.url.startsWith('/strategy') ? 'strategy_action' : 'subgroup_action'} limit 1`,
      );
    else if (tableOf[before]) {
      const table = tableOf[before];
      const hasChild = await one(
        `select 1 as v from information_schema.columns where table_name = $1 and column_name = 'child_id'`,
        [table],
      );
      value = hasChild
        ? await one(`select id as v from ${table} where child_id = $1 limit 1`, [fixtures.childId])
        : undefined;
      value ??= await one(`select id as v from ${table} limit 1`);
    }
    out.push(value ?? randomUUID());
  }
  return out.join('/');
}

/** A demo user the route's declaration admits, of Leeds where one will do, as the seeded children are. */
function userFor(route: RegisteredRoute): string {
  const access = route.access;
  if (typeof access === 'object') return 'analyst@lantern.invalid';
  // The account's own forms may end its sessions: a user no other route needs sends them.
  if (route.url.startsWith('/account/password') || route.url.startsWith('/account/second-factor'))
    return 'home.staff@lantern.invalid';
  if (access === 'public' || access === 'signed-in') return 'hub.admin@lantern.invalid';
  const admitted = demoUsers.filter((u) => permissionsOf(u.roles).has(access as Permission));
  const user = admitted.find((u) => u.agency === 'la') ?? admitted[0];
  if (!user) throw new Error(`no demo user may use ${route.method} ${route.url}`);
  return user.email;
}

const browsers = new Map<string, Browser>();
async function browserFor(route: RegisteredRoute, email: string): Promise<Browser> {
  const pending = typeof route.access === 'object' ? route.access.pendingStep : null;
  // Signing in and out are fuzzed from browsers of their own, so no other session ends.
  const own = route.url === '/sign-out' || route.url === '/sign-in' || route.url === '/report';
  const key = own ? route.url : `${email} ${pending ?? ''}`;
  const existing = browsers.get(key);
  if (existing) return existing;
  const browser = new Browser(t.app);
  if (route.url === '/sign-in' || route.url === '/report') {
    await browser.get(route.url === '/report' ? '/report' : '/sign-in');
  } else {
    const res = await browser.signIn(email);
    expect(res.statusCode, `sign-in as ${email}`).toBe(303);
    if (pending) {
      const token = browser.cookie(SESSION_COOKIE) ?? '';
      await t.services.withTransaction((tx) => setPendingStep(tx, hashToken(token), pending as PendingStep));
    }
    await browser.get(pending ? '/sign-in' : '/');
  }
  expect(browser.csrfToken, `a CSRF token for ${key}`).not.toBe('');
  browsers.set(key, browser);
  return browser;
}

const tokens = new Map<string, string>();
async function tokenFor(email: string): Promise<string> {
  const existing = tokens.get(email);
  if (existing) return existing;
  const user = await userRow(email);
  const token = `lnt_probe_${randomUUID()}`;
  await t.services.withTransaction((tx) =>
    tx
      .insert(apiToken)
      .values({ userId: user.id, name: 'fuzz', tokenHash: hashToken(token), createdAt: t.clock.now() }),
  );
  tokens.set(email, token);
  return token;
}

// ---------------------------------------------------------------------------------------------
// What each route is sent

const decode = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** The fields of the form that posts to the URL, each with the values its page offers. */
function formFieldsIn(html: string, action: string): Map<string, string[]> | null {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  const wanted = forms.filter((f) => {
    const a = /action="([^"]*)"/.exec(f[1] ?? '')?.[1];
    return a !== undefined && decode(a).split('?')[0] === action;
  });
  if (wanted.length === 0) return null;
  const fields = new Map<string, string[]>();
  for (const f of wanted) {
    for (const m of (f[2] ?? '').matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
      const name = /\bname="([^"]+)"/.exec(m[2] ?? '')?.[1];
      if (!name || name === '_csrf') continue;
      const value = /\bvalue="([^"]*)"/.exec(m[2] ?? '')?.[1];
      const values = fields.get(decode(name)) ?? [];
      if (value !== undefined) values.push(decode(value));
      fields.set(decode(name), values);
    }
    for (const m of (f[2] ?? '').matchAll(/<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      const values = fields.get(decode(m[1] ?? '')) ?? [];
      for (const o of (m[2] ?? '').matchAll(/<option\b[^>]*value="([^"]*)"/g))
        values.push(decode(o[1] ?? ''));
      fields.set(decode(m[1] ?? ''), values);
    }
  }
  return fields;
}

/** Looks for the form on the route's own page, then on the pages above it. */
async function pageFormFields(browser: Browser, url: string): Promise<Map<string, string[]>> {
  const path = url.split('?')[0] ?? url;
  const parts = path.split('/');
  for (let cut = 0; cut < 3 && parts.length - cut > 1; cut += 1) {
    const page = parts.slice(0, parts.length - cut).join('/') || '/';
    const res = await browser.get(page);
    if (res.statusCode !== 200) continue;
    const fields = formFieldsIn(res.body, path);
    if (fields) return fields;
  }
  return new Map();
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: { enum?: unknown[] } }[];
  requestBody?: {
    content?: Record<string, { schema?: { properties?: Record<string, { enum?: unknown[] }> } }>;
  };
}

/** The body properties and query parameters the OpenAPI description names, with any enumerated values. */
function apiFields(
  openapi: { paths: Record<string, Record<string, OpenApiOperation>> },
  route: RegisteredRoute,
) {
  const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
  const op = openapi.paths[path]?.[route.method.toLowerCase()];
  const fields = new Map<string, string[]>();
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  for (const [k, v] of Object.entries(schema?.properties ?? {})) fields.set(k, (v.enum ?? []).map(String));
  const query = new Map<string, string[]>();
  for (const p of op?.parameters ?? [])
    if (p.in === 'query') query.set(p.name, (p.schema?.enum ?? []).map(String));
  return { fields, query };
}

function plausible(values: string[], option: number): string {
  return values.length > 0 ? (values[option % values.length] ?? '') : 'Probe';
}

/** Builds the request for one generated case. */
function requestFor(
  c: Case,
  method: string,
  pattern: string,
  url: string,
  fields: Map<string, string[]>,
  auth: { csrf?: string; bearer?: string },
  query: Map<string, string[]> = new Map(),
): InjectOptions {
  const names = [...fields.keys()];
  const form = new URLSearchParams();
  const json: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const f = c.fields[i % c.fields.length];
    if (!f) return;
    const options = fields.get(name) ?? [];
    if (f.keep) {
      form.append(name, plausible(options, f.option));
      json[name] = plausible(options, f.option);
    } else {
      for (const v of ([] as string[]).concat(f.value)) form.append(name, v);
      json[name] = f.json;
    }
  });
  for (const [k, v] of c.extra) {
    form.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
    form.append(`${k}[polluted]`, 'yes');
    json[k] = v;
  }
  let body: string | Buffer | undefined;
  let contentType: string | undefined;
  const headers: Record<string, string> = {};
  if (auth.csrf) {
    form.append('_csrf', auth.csrf);
    json._csrf = auth.csrf;
    // Bodies the form parser cannot read still carry the token, so they reach the handler.
    headers['x-csrf-token'] = auth.csrf;
  }
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (method !== 'GET') {
    switch (c.encoding) {
      case 'form':
        contentType = 'application/x-www-form-urlencoded';
        body = form.toString();
        break;
      case 'json': {
        contentType = 'application/json';
        // Pollution keys as a parser meets them in the text, not as JSON.stringify would drop them.
        const text = JSON.stringify(json);
        body =
          c.extra.length > 0
            ? `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`
            : text;
        break;
      }
      case 'malformed-json':
        contentType = 'application/json';
        body = `{"${names[0] ?? 'a'}": "unterminated`;
        break;
      case 'empty':
        contentType = c.fields[0]?.keep ? 'application/json' : undefined;
        body = undefined;
        break;
      case 'text':
        contentType = 'text/plain';
        body = form.toString();
        break;
      case 'multipart': {
        const boundary = `----fuzz${c.fields[0]?.option ?? 0}`;
        const parts = [...form.entries()].map(
          ([k, v]) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${k.replaceAll('"', '')}"\r\n\r\n${v}\r\n`,
        );
        contentType = `multipart/form-data; boundary=${boundary}`;
        body = `${parts.join('')}--${boundary}--\r\n`;
        break;
      }
    }
  }
  if (contentType) headers['content-type'] = contentType;
  let target = url;
  const params = [...pattern.split('/').entries()].filter(([, seg]) => seg.startsWith(':'));
  const last = params[params.length - 1];
  if (c.oddPath !== null && last) {
    const segments = url.split('/');
    segments[last[0]] = c.oddPath;
    target = segments.join('/');
  }
  let search = c.query;
  if (method === 'GET' && query.size > 0) {
    const q = new URLSearchParams();
    [...query.keys()].forEach((name, i) => {
      const f = c.fields[i % c.fields.length];
      if (!f) return;
      const v = f.keep
        ? plausible(query.get(name) ?? [], f.option)
        : (([] as string[]).concat(f.value)[0] ?? '');
      q.append(name, v.slice(0, 5000));
    });
    search = `${search ? `${search}&` : '?'}${q.toString()}`;
  }
  return { method: method as 'POST', url: `${target}${search}`, payload: body, headers };
}

// ---------------------------------------------------------------------------------------------
// What counts as a sound answer, and as invalid data

const NOT_FOUND_PAGE = '<h1 class="govuk-heading-l">Page not found</h1>';

function pageAnswerProblem(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `${res.statusCode}`;
  if (res.statusCode < 400) return null;
  const body = res.body;
  if (body.includes('govuk-error-summary') || body.includes(NOT_FOUND_PAGE)) return null;
  if (res.statusCode === 429 && body.includes('Too many requests')) return null;
  if (res.statusCode === 413 && body.includes('The file is too large')) return null;
  return `${res.statusCode} without an error summary or the not-found page`;
}

function apiAnswerProblem(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `${res.statusCode}`;
  if (res.statusCode < 400) return null;
  if (!String(res.headers['content-type'] ?? '').includes('application/problem+json'))
    return `${res.statusCode} as ${res.headers['content-type']}, not problem+json`;
  return null;
}

/** Tables that keep machinery rather than records: sessions, counters, queues, logs of what was sent. */
const MACHINERY =
  /^(session|rate_limit|sign_in_throttle|idempotency_key|audit_event|audit_reason|audit_seal|sent_mail|form_draft)$/;

async function rowCounts(): Promise<Map<string, number>> {
  const { rows } = await t.database.raw.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const counts = new Map<string, number>();
  for (const r of rows) {
    const n = await one(`select count(*) as v from "${r.table_name}"`);
    counts.set(r.table_name, Number(n ?? 0));
  }
  return counts;
}

/**
 * Rows whose text breaks a rule every field of the house keeps: nothing longer than the longest
 * limit any form declares, and no answer of white space alone (forms trim, then refuse or store none).
 * PostgreSQL refuses NUL in text outright, so a stored NUL would have been a 5xx first.
 */
async function invalidRows(): Promise<string[]> {
  const { rows: columns } = await t.database.raw.query<{
    table_name: string;
    column_name: string;
    data_type: string;
  }>(
    `select c.table_name, c.column_name, c.data_type from information_schema.columns c
       join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
        and c.data_type in ('text', 'character varying', 'jsonb', 'ARRAY')
      order by 1, 2`,
  );
  const found: string[] = [];
  for (const c of columns) {
    if (MACHINERY.test(c.table_name)) continue;
    const plain = c.data_type === 'text' || c.data_type === 'character varying';
    const value = plain ? `"${c.column_name}"` : `"${c.column_name}"::text`;
    const { rows } = await t.database.raw.query<{ long: unknown; blank: unknown }>(
      `select count(*) filter (where length(${value}) > $1) as long,
              count(*) filter (where ${value} <> '' and btrim(${value}, E' \\t\\r\\n') = '') as blank
         from "${c.table_name}"`,
      [plain ? LONGEST_TEXT : LONGEST_TEXT * 4],
    );
    const long = Number(rows[0]?.long ?? 0);
    const blank = Number(rows[0]?.blank ?? 0);
    if (long > 0) found.push(`${c.table_name}.${c.column_name}: ${long} over ${LONGEST_TEXT} characters`);
    if (blank > 0) found.push(`${c.table_name}.${c.column_name}: ${blank} of white space alone`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------

describe('input fuzzing of every form and API route', () => {
  it('answers generated input with no 5xx and stores nothing invalid', { timeout: 600_000 }, async () => {
    await ensureFixtures();
    const docs = await t.app.inject({ url: '/api/docs/json' });
    const openapi = JSON.parse(docs.body);
    const pageRoutes = t.routes.filter((r) => r.method === 'POST' && !r.url.startsWith('/api/'));
    const apiRoutes = t.routes.filter((r) => r.url.startsWith('/api/v1/'));
    expect(pageRoutes.length).toBeGreaterThan(50);
    expect(apiRoutes.length).toBeGreaterThan(20);

    const countsBefore = await rowCounts();
    const invalidBefore = await invalidRows();
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).length;
    const failures: string[] = [];
    const unsound: string[] = [];
    const answers = { accepted: 0, refused: 0, notFound: 0 };
    let formsFound = 0;
    let requests = 0;
    let routeIndex = 0;
    for (const route of [...pageRoutes, ...apiRoutes]) {
      routeIndex += 1;
      const api = route.url.startsWith('/api/');
      const email = userFor(route);
      const actor = await userRow(email);
      const url = await realUrl(route, actor.agencyId);
      let fields: Map<string, string[]>;
      let query = new Map<string, string[]>();
      let browser: Browser | null = null;
      let bearer = '';
      if (api) {
        ({ fields, query } = apiFields(openapi, route));
        bearer = await tokenFor(email);
      } else {
        browser = await browserFor(route, email);
        fields = await pageFormFields(browser, url);
        if (fields.size > 0) formsFound += 1;
      }
      const cases = fc.sample(caseArb(api ? apiEncoding : pageEncoding), {
        numRuns: RUNS,
        seed: SEED + routeIndex,
      });
      for (const c of cases) {
        const auth = browser ? { csrf: browser.csrfToken } : { bearer };
        const options = requestFor(c, route.method, route.url, url, fields, auth, query);
        const res = browser ? await browser.request(options) : await t.app.inject(options);
        requests += 1;
        if (res.statusCode === 404) answers.notFound += 1;
        else if (res.statusCode >= 400) answers.refused += 1;
        else answers.accepted += 1;
        const problem = api ? apiAnswerProblem(res) : pageAnswerProblem(res);
        if (!problem) continue;
        const label = `${route.method} ${route.url} (${c.encoding}${c.oddPath !== null ? ', odd path' : ''}${c.query ? ', odd query' : ''}) → ${problem}`;
        if (res.statusCode >= 500) failures.push(label);
        else unsound.push(label);
      }
    }

    const countsAfter = await rowCounts();
    const grown = [...countsAfter]
      .filter(([table, n]) => !MACHINERY.test(table) && n > (countsBefore.get(table) ?? 0))
      .map(([table, n]) => `${table} +${n - (countsBefore.get(table) ?? 0)}`);
    const invalid = (await invalidRows()).filter((r) => !invalidBefore.includes(r));
    if (({} as Record<string, unknown>).polluted !== undefined) invalid.push('Object.prototype.polluted');
    if (Object.getOwnPropertyNames(Object.prototype).length !== prototypeKeys)
      invalid.push('Object.prototype changed');
    if (([] as unknown as Record<string, unknown>).polluted !== undefined)
      invalid.push('Array.prototype.polluted');

    console.log(
      `Fuzzing: seed ${SEED}, ${RUNS} cases per route (FUZZ_SEED, FUZZ_RUNS); fields read from ${formsFound} of ${pageRoutes.length} forms; answers: ${answers.accepted} accepted, ${answers.refused} refused, ${answers.notFound} not found; rows written: ${grown.join(', ') || 'none'}`,
    );
    const figure = `Fuzzing: ${requests} generated requests to ${pageRoutes.length + apiRoutes.length} routes (${pageRoutes.length} page forms, ${apiRoutes.length} API routes): ${failures.length} responses 5xx, ${invalid.length} invalid rows stored`;
    console.log(figure);
    expect(failures).toEqual([]);
    expect(invalid).toEqual([]);
    expect(invalidBefore).toEqual([]);
    // API refusals are problem+json; page refusals show an error summary or the not-found page.
    expect(unsound).toEqual([]);
    expect(figure).toBe(
      `Fuzzing: ${RUNS * (pageRoutes.length + apiRoutes.length)} generated requests to ${pageRoutes.length + apiRoutes.length} routes (${pageRoutes.length} page forms, ${apiRoutes.length} API routes): 0 responses 5xx, 0 invalid rows stored`,
    );
  });
});

describe('the weaknesses the fuzzing found stay fixed', () => {
  const caseNotes = { method: 'POST', url: '/children/:id/case-notes', access: 'child:view' } as const;

  it('refuses a NUL character or a lone surrogate in a form or an API body as bad input, and stores nothing', async () => {
    const { childId } = await ensureFixtures();
    const browser = await browserFor(caseNotes, 'social.mash@lantern.invalid');
    const notes = async () => Number(await one('select count(*) as v from case_note'));
    const before = await notes();
    for (const note of ['Probe \u0000 note', 'Probe \uD800 note']) {
      const res = await browser.request({
        method: 'POST',
        url: `/children/${childId}/case-notes`,
        payload: JSON.stringify({ _csrf: browser.csrfToken, note }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(NOT_FOUND_PAGE);
    }
    const nul = await browser.post(`/children/${childId}/case-notes`, { note: 'Probe \u0000 note' });
    expect(nul.statusCode).toBe(400);
    expect(await notes()).toBe(before);
    // The same form takes an ordinary note, so the refusals were the characters' doing.
    const ok = await browser.post(`/children/${childId}/case-notes`, { note: 'Probe note' });
    expect(ok.statusCode).toBe(303);
    expect(await notes()).toBe(before + 1);

    const bearer = await tokenFor('social.mash@lantern.invalid');
    for (const body of [
      '{"givenName":"Probe\\u0000","familyName":"Child"}',
      '{"givenName":"Probe\\ud800","familyName":"Child"}',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/children',
        payload: body,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      });
      expect(res.statusCode, body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers a path the router cannot read with the not-found page or a problem, not bare JSON', async () => {
    const browser = await browserFor(caseNotes, 'social.mash@lantern.invalid');
    const broken = await browser.get('/children/%E0%A4%A/profile');
    expect(broken.statusCode).toBe(404);
    expect(broken.body).toContain(NOT_FOUND_PAGE);
    const long = await browser.get(`/children/${'x'.repeat(500)}/profile`);
    expect(long.statusCode).toBe(404);
    expect(long.body).toContain(NOT_FOUND_PAGE);
    const bearer = await tokenFor('social.mash@lantern.invalid');
    for (const url of ['/api/v1/children/%E0%A4%A', `/api/v1/children/${'x'.repeat(500)}`]) {
      const res = await t.app.inject({ url, headers: { authorization: `Bearer ${bearer}` } });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('answers a body no form sends with a 4xx page rather than a server error', async () => {
    const { childId } = await ensureFixtures();
    const browser = await browserFor(caseNotes, 'social.mash@lantern.invalid');
    const xml = await browser.request({
      method: 'POST',
      url: `/children/${childId}/case-notes`,
      payload: '<note>Probe</note>',
      headers: { 'content-type': 'application/xml', 'x-csrf-token': browser.csrfToken },
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.body).toContain(NOT_FOUND_PAGE);
    const boundary = '----probe';
    const fields = Array.from(
      { length: 40 },
      (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`,
    );
    const many = await browser.request({
      method: 'POST',
      url: `/children/${childId}/case-notes`,
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${browser.csrfToken}\r\n${fields.join('')}--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(many.statusCode).toBeGreaterThanOrEqual(400);
    expect(many.statusCode).toBeLessThan(500);
    expect(many.body).toContain(NOT_FOUND_PAGE);
  });

  it('answers a move to an agency that is not an id with the form and its error', async () => {
    const { probeUserId } = await ensureFixtures();
    const move = { method: 'POST', url: '/admin/users/:id/move', access: 'agency:manage-all' } as const;
    const browser = await browserFor(move, userFor(move));
    const res = await browser.post(`/admin/users/${probeUserId}/move`, { agencyId: 'not-an-agency' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('Select an active agency');
  });

  it('answers an out-of-hours address sent twice, or too long to be one, with the form and its error', async () => {
    const route = {
      method: 'POST',
      url: '/admin/agencies/:id/out-of-hours',
      access: 'agency:manage-own',
    } as const;
    const email = userFor(route);
    const browser = await browserFor(route, email);
    const { agencyId } = await userRow(email);
    for (const outOfHoursEmail of [
      ['edt@example.invalid', 'other@example.invalid'],
      `${'x'.repeat(300)}@example.invalid`,
    ]) {
      const res = await browser.post(`/admin/agencies/${agencyId}/out-of-hours`, { outOfHoursEmail });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('govuk-error-summary');
    }
  });

  it('answers a team for an agency that does not exist with the not-found page', async () => {
    const route = { method: 'POST', url: '/admin/agencies/:id/teams', access: 'agency:manage-own' } as const;
    const browser = await browserFor(route, 'hub.admin@lantern.invalid');
    const teams = async () => Number(await one('select count(*) as v from team'));
    const before = await teams();
    const res = await browser.post(`/admin/agencies/${randomUUID()}/teams`, { name: 'Probe team' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain(NOT_FOUND_PAGE);
    expect(await teams()).toBe(before);
  });

  it('answers other names sent as two fields on the new-child form with the form, not a server error', async () => {
    const route = { method: 'POST', url: '/children/new', access: 'child:create' } as const;
    const browser = await browserFor(route, userFor(route));
    const res = await browser.post('/children/new', { givenName: '', aliases: ['Probe Alias', 'Other'] });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
  });
});
