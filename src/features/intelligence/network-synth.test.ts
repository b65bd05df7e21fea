import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { seedDemoRecords } from '../../synth/demo-records';
import { IntelligenceGenerator, type SynthArea } from '../../synth/intelligence';
import { runAreaNetwork } from './network-job';
import { foldRegistration, normalisePhone, personNameCodes } from './normalise';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-11-26T12:00:00Z');
  await seedDemoRecords(t.services.withTransaction, t.clock);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.services.withTransaction((tx) => tx.execute(query))) as unknown as { rows: T[] }).rows;

describe('the demo’s synthetic intelligence', () => {
  it('has about 5,000 links, each from an episode of its own child, and most children have none', async () => {
    const [counts] = await rows<{ links: number; linked: number; children: number }>(sql`
      select (select count(*)::int from intel_link) as links,
             (select count(distinct child_id)::int from intel_link) as linked,
             (select count(*)::int from child) as children`);
    expect(counts?.links).toBeGreaterThan(4_000);
    expect(counts?.links).toBeLessThan(6_000);
    expect(counts?.linked).toBeGreaterThan(20);
    expect(counts?.linked).toBeLessThan((counts?.children ?? 0) / 2);
    const [wrongSource] = await rows<{ n: number }>(sql`
      select count(*)::int as n from intel_link l
       where l.source_type <> 'episode'
          or not exists (select 1 from episode e where e.id = l.source_id
                           and (l.child_id is null or e.child_id = l.child_id))`);
    expect(wrongSource?.n).toBe(0);
  });

  it('has hotspots where several children are found, and groups of adults sharing phones and vehicles', async () => {
    const [hotspot] = await rows<{ n: number }>(sql`
      select count(distinct l.child_id)::int as n from intel_link l join intel_entity e on e.id = l.entity_id
       where e.kind = 'location' and l.type = 'found_at' group by e.id order by 1 desc limit 1`);
    expect(hotspot?.n).toBeGreaterThanOrEqual(3);
    const [adult] = await rows<{ n: number }>(sql`
      select count(distinct l.child_id)::int as n from intel_link l join intel_entity e on e.id = l.entity_id
       where e.kind = 'person' group by e.id order by 1 desc limit 1`);
    expect(adult?.n).toBeGreaterThanOrEqual(2);
    const shared = await rows<{ kind: string }>(sql`
      select distinct e.kind from intel_link l join intel_entity e on e.id = l.entity_id
       where l.from_entity_id is not null and l.type = 'uses' and e.kind in ('phone', 'vehicle')`);
    expect(shared.map((s) => s.kind).sort()).toEqual(['phone', 'vehicle']);
  });

  it('writes entities as recording them would: normalised numbers, plates and name codes', async () => {
    const entities = await rows<{
      kind: string;
      label: string;
      phone_e164: string | null;
      registration: string | null;
      registration_key: string | null;
      given_name: string | null;
      family_name: string | null;
      aliases: string[] | null;
      name_codes: string[] | null;
    }>(sql`select kind, label, phone_e164, registration, registration_key, given_name, family_name, aliases, name_codes
             from intel_entity`);
    const phones = entities.filter((e) => e.kind === 'phone');
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) {
      expect(normalisePhone(p.label)).toBe(p.label);
      expect(p.phone_e164).toBe(p.label);
      expect(p.label).toMatch(/^\+44(7700900|1134960)/);
    }
    for (const v of entities.filter((e) => e.kind === 'vehicle')) {
      expect(v.registration).toMatch(/^Z[A-Z]\d\d[A-Z]{3}$/);
      expect(v.registration_key).toBe(foldRegistration(v.registration ?? ''));
    }
    for (const p of entities.filter((e) => e.kind === 'person')) {
      expect([...(p.name_codes ?? [])].sort()).toEqual(
        personNameCodes([p.given_name, p.family_name, ...(p.aliases ?? [])]).sort(),
      );
    }
  });

  it('gives Leeds an area network with a large joined-up group, and a child’s network to draw', async () => {
    const { result } = await runAreaNetwork(t.services.withTransaction, t.clock, 'E08000035');
    expect(result.components[0]?.nodes).toBeGreaterThan(10);
    expect(result.communityCount).toBeGreaterThan(1);
    const [busiest] = await rows<{ child_id: string }>(sql`
      select l.child_id from intel_link l join child c on c.id = l.child_id
       where c.responsible_authority_code = 'E08000035' or c.responsible_authority_code is null
       group by l.child_id order by count(*) desc, l.child_id limit 1`);
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const network = await t.services.networks.aroundChild(police, busiest?.child_id ?? '');
    expect(network.nodes.length).toBeGreaterThan(3);
    expect(network.nodes.length).toBeLessThanOrEqual(network.maxNodes);
  });
});

describe('the generator', () => {
  const area = (): SynthArea => ({
    code: 'E08000035',
    authorAgencyId: '00000000-0000-4000-8000-000000000001',
    children: Array.from({ length: 60 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      episodes: Array.from({ length: i % 10 === 0 ? 20 : i % 3 === 0 ? 3 : 1 }, (_, n) => ({
        id: `00000000-0000-4000-9000-${String(i * 100 + n).padStart(12, '0')}`,
        startedAt: new Date(Date.UTC(2026, 0, 1 + n * 7, 20)),
        endedAt: new Date(Date.UTC(2026, 0, 2 + n * 7, 8)),
      })),
    })),
  });
  const now = new Date('2026-11-26T12:00:00Z');

  it('makes the same intelligence from the same seed, and other intelligence from another', () => {
    const first = new IntelligenceGenerator(7, now).area(area(), 300);
    const again = new IntelligenceGenerator(7, now).area(area(), 300);
    const other = new IntelligenceGenerator(8, now).area(area(), 300);
    expect(first.links.length).toBeGreaterThan(100);
    expect(again).toEqual(first);
    expect(other.entities.map((e) => e.label)).not.toEqual(first.entities.map((e) => e.label));
  });
});
