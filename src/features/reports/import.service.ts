import { createHash, randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { accessRow, childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child, childAccess } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError } from '../../platform/http/errors';
import type { AlertsService } from '../alerts/alerts.service';
import { episode, riskGrading } from '../episodes/tables';
import type { PlacementsService } from '../placements/placements.service';
import {
  type ColumnMapping,
  type CsvFile,
  checkMapping,
  checkRows,
  type ImportRow,
  type MappingProblem,
  type RowProblem,
  readCsv,
  suggestMapping,
} from './import';
import { episodeImport } from './tables';

/**
 * Imports a police force's missing-person reports. Every row is checked before anything is
 * written, and one bad row means nothing is written; the report of a real import with bad rows is
 * the dry run's. A row whose (force, police reference) is already in Lantern with the same
 * details changes nothing; with other details it is a bad row, since a report is corrected in
 * Lantern, with a reason, not overwritten by a file.
 *
 * Episodes are written in batches rather than through EpisodesService.report, which checks and
 * writes one report at a time and tells everyone at once: an import of 10,000 past reports would
 * take minutes and raise 10,000 alerts. The same rules apply here in bulk: the force and the
 * placing authority get access to the child, each episode is audited with its child, and a
 * report still open (the child is missing now) raises the alerts a new report raises. No return
 * interview is created for an imported closed episode: those belong to the local authority's
 * records, not the police's.
 */

export interface ImportInput {
  csv: string;
  fileName?: string;
  /** The file's columns for Lantern's fields; guessed from the headers when not given. */
  mapping?: ColumnMapping;
  /** For a progress bar: rows checked or written so far, of the total. */
  onProgress?: (stage: 'checking' | 'writing', done: number, total: number) => void;
}

export interface ImportReport {
  committed: boolean;
  digest: string;
  fileName: string | null;
  headers: string[];
  mapping: ColumnMapping;
  fileProblem?: string;
  mappingProblems: MappingProblem[];
  rows: number;
  problems: RowProblem[];
  created: number;
  unchanged: number;
  importId?: string;
}

const CHUNK = 2_000;
const chunks = <T>(items: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

type MatchedChild = {
  id: string;
  policePersonId: string | null;
  upn: string | null;
  localAuthorityChildId: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  responsibleAuthorityCode: string | null;
  recordStatus: string;
  recordDecidedAt: Date | null;
};

const nameKey = (given: string, family: string, dob: string) =>
  `${given.trim().toLowerCase()}|${family.trim().toLowerCase()}|${dob}`;

export class ImportService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    private readonly placements: PlacementsService,
  ) {}

  /** Checks the file and says what an import would do, writing nothing. */
  async check(ctx: Context, input: ImportInput): Promise<ImportReport> {
    return this.run(ctx, input, false);
  }

  /** Imports the file, all or nothing. */
  async import(ctx: Context, input: ImportInput): Promise<ImportReport> {
    return this.run(ctx, input, true);
  }

  private async run(ctx: Context, input: ImportInput, commit: boolean): Promise<ImportReport> {
    requirePermission(ctx, 'episode:import');
    const force = ctx.actor.agencyType === 'police_force' ? ctx.actor.policeForceCode : null;
    // Only a police force imports its own reports.
    if (!force) throw new NotFoundError();
    const now = ctx.clock.now();
    const digest = createHash('sha256').update(input.csv).digest('hex');
    const report: ImportReport = {
      committed: false,
      digest,
      fileName: input.fileName ?? null,
      headers: [],
      mapping: input.mapping ?? {},
      mappingProblems: [],
      rows: 0,
      problems: [],
      created: 0,
      unchanged: 0,
    };
    const read = readCsv(input.csv);
    if (!read.ok) return { ...report, fileProblem: read.problem };
    const file: CsvFile = read.file;
    report.headers = file.headers;
    report.rows = file.records.length;
    report.mapping = input.mapping ?? suggestMapping(file.headers);
    report.mappingProblems = checkMapping(report.mapping, file.headers);
    if (report.mappingProblems.length > 0) return report;
    const checked = checkRows(file, report.mapping, now);
    input.onProgress?.('checking', Math.floor(report.rows / 2), report.rows);

    const work = this.withTransaction(async (tx) => {
      // Two imports by one force at once would both see a reference as new.
      if (commit) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`episode-import:${force}`}))`);
      const problems = [...checked.problems];
      const good = await this.checkAgainstDatabase(tx, ctx, force, checked.rows, problems);
      input.onProgress?.('checking', report.rows, report.rows);
      problems.sort((a, b) => a.row - b.row);
      report.problems = problems;
      report.unchanged = good.filter((g) => g.existing).length;
      report.created = good.length - report.unchanged;
      if (!commit || problems.length > 0) {
        await recordAudit(tx, ctx, { action: 'episode-import.check', subjectType: 'episode_import' });
        return report;
      }
      const importId = await this.write(tx, ctx, force, good, report, input.onProgress);
      return { ...report, committed: true, importId };
    });
    try {
      return await work;
    } catch (error) {
      // Someone reported a child in the file missing while it was imported: nothing was written.
      const e = error as { code?: string; cause?: { code?: string } };
      if (e?.code === '23505' || e?.cause?.code === '23505') {
        throw new ConflictError(
          'A child in the file was reported missing in Lantern while it was being imported, so nothing was imported: check the file again',
          'reports',
        );
      }
      throw error;
    }
  }

  /**
   * The checks that need the database, all in a few queries: the child each row names (among
   * those the force may see: a child it may not see reads as unknown), the force's earlier
   * reports with the same reference, and each child's open episode.
   */
  private async checkAgainstDatabase(
    tx: Tx,
    ctx: Context,
    force: string,
    rows: ImportRow[],
    problems: RowProblem[],
  ): Promise<{ row: ImportRow; child: MatchedChild; existing: boolean }[]> {
    const visible = childVisibleTo(ctx, child.id);
    const columns = {
      id: child.id,
      policePersonId: child.policePersonId,
      upn: child.upn,
      localAuthorityChildId: child.localAuthorityChildId,
      givenName: child.givenName,
      familyName: child.familyName,
      dateOfBirth: child.dateOfBirth,
      responsibleAuthorityCode: child.responsibleAuthorityCode,
      recordStatus: child.recordStatus,
      recordDecidedAt: child.recordDecidedAt,
    };
    const found = new Map<string, MatchedChild>();
    const lookups = [
      [child.policePersonId, rows.map((r) => r.policePersonId)],
      [child.upn, rows.map((r) => r.upn)],
      [child.localAuthorityChildId, rows.map((r) => r.localAuthorityChildId)],
      [child.dateOfBirth, rows.filter((r) => r.givenName && r.familyName).map((r) => r.dateOfBirth)],
    ] as const;
    for (const [column, values] of lookups) {
      const wanted = [...new Set(values.filter((v): v is string => Boolean(v)))];
      for (const part of chunks(wanted)) {
        const matched = await tx
          .select(columns)
          .from(child)
          .where(and(inArray(column, part), visible));
        for (const m of matched) found.set(m.id, m);
      }
    }
    const byPerson = new Map<string, MatchedChild[]>();
    const byUpn = new Map<string, MatchedChild[]>();
    const byLaId = new Map<string, MatchedChild[]>();
    const byNames = new Map<string, MatchedChild[]>();
    const add = (map: Map<string, MatchedChild[]>, key: string | null, c: MatchedChild) => {
      if (!key) return;
      const list = map.get(key);
      if (list) list.push(c);
      else map.set(key, [c]);
    };
    for (const c of found.values()) {
      add(byPerson, c.policePersonId, c);
      add(byUpn, c.upn, c);
      add(byLaId, c.localAuthorityChildId, c);
      if (c.dateOfBirth) add(byNames, nameKey(c.givenName, c.familyName, c.dateOfBirth), c);
    }

    const existingByReference = new Map<string, typeof episode.$inferSelect & { grade: string | null }>();
    for (const part of chunks([...new Set(rows.map((r) => r.policeReference))])) {
      const existing = await tx
        .select({
          e: episode,
          // Written out: drizzle leaves the columns of a one-table select unqualified.
          grade: sql<
            string | null
          >`(select g.grade from risk_grading g where g.episode_id = "episode"."id" order by g.graded_at desc, g.id desc limit 1)`,
        })
        .from(episode)
        .where(and(eq(episode.policeForceCode, force), inArray(episode.policeReference, part)));
      for (const x of existing)
        existingByReference.set(x.e.policeReference ?? '', { ...x.e, grade: x.grade });
    }

    // Each child's episodes (none entered in error), for open episodes and overlaps.
    type Period = { reference: string | null; startedAt: Date; endedAt: Date | null; row?: number };
    const periodsOf = new Map<string, Period[]>();
    for (const part of chunks([...found.keys()])) {
      const held = await tx
        .select({
          childId: episode.childId,
          reference: episode.policeReference,
          startedAt: episode.startedAt,
          endedAt: episode.endedAt,
        })
        .from(episode)
        .where(and(inArray(episode.childId, part), isNull(episode.enteredInErrorAt)));
      for (const h of held) {
        const list = periodsOf.get(h.childId);
        if (list) list.push(h);
        else periodsOf.set(h.childId, [h]);
      }
    }
    const openEpisodeOf = new Map<string, string | null>();
    for (const [childId, periods] of periodsOf) {
      const open = periods.find((p) => p.endedAt === null);
      if (open) openEpisodeOf.set(childId, open.reference);
    }
    const overlaps = (a: Period, b: { startedAt: Date; endedAt: Date | null }) =>
      a.startedAt.getTime() < (b.endedAt?.getTime() ?? Number.POSITIVE_INFINITY) &&
      b.startedAt.getTime() < (a.endedAt?.getTime() ?? Number.POSITIVE_INFINITY);

    const good: { row: ImportRow; child: MatchedChild; existing: boolean }[] = [];
    const openRowOf = new Map<string, number>();
    for (const r of rows) {
      const bad = (reason: string) =>
        problems.push({ row: r.row, policeReference: r.policeReference, reason });
      // Any identifier Lantern knows finds the child; names and date of birth only when none does.
      const candidates = new Map<string, MatchedChild>();
      const byIdentifier = [
        r.policePersonId ? byPerson.get(r.policePersonId) : undefined,
        r.upn ? byUpn.get(r.upn) : undefined,
        r.localAuthorityChildId ? byLaId.get(r.localAuthorityChildId) : undefined,
      ];
      for (const list of byIdentifier) for (const c of list ?? []) candidates.set(c.id, c);
      if (candidates.size > 1) {
        bad('The identifiers given point at different children');
        continue;
      }
      if (candidates.size === 0 && r.givenName && r.familyName && r.dateOfBirth) {
        const named = byNames.get(nameKey(r.givenName, r.familyName, r.dateOfBirth)) ?? [];
        if (named.length > 1) {
          bad('More than one child has these names and date of birth: give an identifier');
          continue;
        }
        for (const c of named) candidates.set(c.id, c);
      }
      if (candidates.size === 0) {
        bad('No child you may see matches the identifiers given (unknown child)');
        continue;
      }
      const matched = [...candidates.values()][0] as MatchedChild;
      const existing = existingByReference.get(r.policeReference);
      if (existing) {
        const differences = this.differences(r, matched.id, existing);
        if (differences.length > 0) {
          bad(
            `Already imported with different details (${differences.join(', ')}): correct the episode in Lantern instead`,
          );
          continue;
        }
        good.push({ row: r, child: matched, existing: true });
        continue;
      }
      if (
        matched.recordStatus !== 'open' &&
        (!r.endedAt || (matched.recordDecidedAt && r.startedAt >= matched.recordDecidedAt))
      ) {
        bad('The child’s record has been handed over or closed at 18, so it takes no new episode');
        continue;
      }
      if (!r.endedAt) {
        if (openEpisodeOf.has(matched.id)) {
          const reference = openEpisodeOf.get(matched.id);
          bad(
            `The child already has an open episode in Lantern${reference ? ` (police reference ${reference})` : ''}: a second open episode`,
          );
          continue;
        }
        const earlier = openRowOf.get(matched.id);
        if (earlier) {
          bad(`The child already has an open episode on row ${earlier}: a second open episode`);
          continue;
        }
      }
      // A child is missing or absent once at a time: a report may not overlap another.
      const periods = periodsOf.get(matched.id) ?? [];
      const clash = periods.find((p) => overlaps(p, r));
      if (clash) {
        bad(
          clash.row
            ? `Overlaps the child’s episode on row ${clash.row}`
            : `Overlaps the child’s episode already in Lantern${clash.reference ? ` (police reference ${clash.reference})` : ''}`,
        );
        continue;
      }
      if (!r.endedAt) openRowOf.set(matched.id, r.row);
      periods.push({ reference: r.policeReference, startedAt: r.startedAt, endedAt: r.endedAt, row: r.row });
      periodsOf.set(matched.id, periods);
      good.push({ row: r, child: matched, existing: false });
    }
    return good;
  }

  /** The details of a row that differ from the episode already imported with its reference. */
  private differences(
    r: ImportRow,
    childId: string,
    e: typeof episode.$inferSelect & { grade: string | null },
  ): string[] {
    const out: string[] = [];
    const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
    if (e.childId !== childId) out.push('child');
    if (e.kind !== r.kind) out.push('missing or absent');
    if (!sameTime(e.startedAt, r.startedAt)) out.push('last seen');
    if (r.reportedAt && !sameTime(e.reportedAt, r.reportedAt)) out.push('reported at');
    if (!sameTime(e.endedAt, r.endedAt)) out.push('found or returned');
    if ((e.lastSeenLocation ?? null) !== r.lastSeenLocation) out.push('where last seen');
    if ((e.lastSeenPostcode ?? null) !== r.lastSeenPostcode) out.push('postcode where last seen');
    if ((e.foundLocation ?? null) !== r.foundLocation) out.push('where found');
    if (r.riskGrade && e.grade !== r.riskGrade) out.push('risk grade');
    return out;
  }

  /** Writes the new episodes, their gradings, access, alerts and audit rows, and the import's record. */
  private async write(
    tx: Tx,
    ctx: Context & { actor: NonNullable<Context['actor']> },
    force: string,
    good: { row: ImportRow; child: MatchedChild; existing: boolean }[],
    report: ImportReport,
    onProgress: ImportInput['onProgress'],
  ): Promise<string> {
    const now = ctx.clock.now();
    const actor = ctx.actor;
    const authorities = await tx
      .select({ id: agency.id, code: agency.localAuthorityCode })
      .from(agency)
      .where(and(eq(agency.type, 'local_authority'), isNull(agency.disabledAt)));
    const authorityAgency = new Map(authorities.map((a) => [a.code ?? '', a.id]));
    const forces = await tx
      .select({ id: agency.id, code: agency.policeForceCode })
      .from(agency)
      .where(and(eq(agency.type, 'police_force'), isNull(agency.disabledAt)));
    const forceAgency = new Map(forces.map((f) => [f.code ?? '', f.id]));
    const created = good
      .filter((g) => !g.existing)
      .map((g) => ({
        ...g,
        id: randomUUID(),
        placing: authorityAgency.get(g.child.responsibleAuthorityCode ?? '') ?? null,
      }));
    const total = created.length;
    let done = 0;
    // 25 columns a row: 500 rows keep a statement well under PostgreSQL's 65,535 parameters.
    for (const part of chunks(created, 500)) {
      await tx.insert(episode).values(
        part.map(({ id, row: r, child: c }) => ({
          id,
          childId: c.id,
          kind: r.kind,
          startedAt: r.startedAt,
          reportedAt: r.reportedAt ?? r.startedAt,
          reportedByUserId: actor.userId,
          reportedByAgencyId: actor.agencyId,
          lastSeenLocation: r.lastSeenLocation,
          lastSeenPostcode: r.lastSeenPostcode,
          policeReference: r.policeReference,
          policeForceCode: force,
          endedAt: r.endedAt,
          foundLocation: r.foundLocation,
          closedByUserId: r.endedAt ? actor.userId : null,
          createdAt: now,
        })),
      );
      const graded = part.filter((p) => p.row.riskGrade);
      if (graded.length > 0) {
        await tx.insert(riskGrading).values(
          graded.map((p) => ({
            episodeId: p.id,
            grade: p.row.riskGrade ?? 'low',
            rationale: `Graded by the force; imported from its report ${p.row.policeReference}`,
            gradedAt: p.row.reportedAt ?? p.row.startedAt,
            gradedByUserId: actor.userId,
          })),
        );
      }
      const grants = part.flatMap((p) => [
        accessRow({
          childId: p.child.id,
          agencyId: actor.agencyId,
          basis: 'episode_force',
          sourceId: p.id,
          validFrom: now,
        }),
        ...(p.placing
          ? [
              accessRow({
                childId: p.child.id,
                agencyId: p.placing,
                basis: 'placing_authority',
                sourceId: p.id,
                validFrom: now,
              }),
            ]
          : []),
      ]);
      if (grants.length > 0) await tx.insert(childAccess).values(grants);
      // Each new episode is audited with its child, in the transaction, as a report is.
      await tx.insert(auditEvent).values(
        part.map((p) => ({
          occurredAt: now,
          actorUserId: actor.userId,
          actorAgencyId: actor.agencyId,
          actorCredentialId: actor.credentialId ?? null,
          action: 'episode.import',
          subjectType: 'episode',
          subjectId: p.id,
          childId: p.child.id,
          requestId: ctx.requestId,
        })),
      );
      done += part.length;
      onProgress?.('writing', done, total);
    }
    // A report still open means the child is missing now: everyone who should know hears, as for a new report.
    for (const p of created.filter((c) => !c.row.endedAt)) {
      const placed = await this.placements.current(tx, p.child.id);
      const hostForceCode = placed
        ? findLocalAuthority(placed.hostAuthorityCode)?.policeForceCode
        : undefined;
      await this.alerts.raise(tx, ctx, {
        kind: 'episode-reported',
        agencyIds: [
          p.placing,
          placed ? authorityAgency.get(placed.hostAuthorityCode) : null,
          actor.agencyId,
          hostForceCode ? forceAgency.get(hostForceCode) : null,
        ],
        childId: p.child.id,
        subjectType: 'episode',
        subjectId: p.id,
        key: `episode-reported:${p.id}`,
      });
      if (p.row.riskGrade === 'high') {
        await this.alerts.raise(tx, ctx, {
          kind: 'episode-graded-high',
          agencyIds: [actor.agencyId, p.placing],
          childId: p.child.id,
          subjectType: 'episode',
          subjectId: p.id,
          priority: 'high',
          alsoEmailRole: { role: 'missing_coordinator', agencyIds: [actor.agencyId] },
          key: `episode-graded-high:${p.id}:${now.toISOString()}`,
        });
      }
    }
    const [record] = await tx
      .insert(episodeImport)
      .values({
        fileDigest: report.digest,
        fileName: report.fileName,
        rows: report.rows,
        created: report.created,
        unchanged: report.unchanged,
        importedByUserId: actor.userId,
        importedByAgencyId: actor.agencyId,
        importedAt: now,
      })
      .returning({ id: episodeImport.id });
    if (!record) throw new Error('episode import insert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'episode-import.run',
      subjectType: 'episode_import',
      subjectId: record.id,
    });
    return record.id;
  }
}
