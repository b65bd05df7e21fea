import { desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import type { ConcernsService } from '../alerts/concerns.service';
import * as children from '../children/children.repository';
import type { EpisodesService } from '../episodes/episodes.service';
import type { NoticesService } from '../notices/notices.service';
import type { PlacementsService } from '../placements/placements.service';
import type { ScreeningService } from '../screening/screening.service';
import type { SightingsService } from '../sightings/sightings.service';
import { caseNote } from './tables';

export const eventTypes = {
  episode: 'Episodes',
  grading: 'Risk gradings',
  interview: 'Return interviews',
  notice: 'Concern notices and decisions',
  concern: 'Home concerns',
  sighting: 'Sightings',
  placement: 'Placements',
  screening: 'CSE screenings',
  note: 'Case notes',
} as const;
export type EventType = keyof typeof eventTypes;

export interface ChronologyEntry {
  at: Date;
  type: EventType;
  agency: string | null;
  title: string;
  detail: string;
  href: string | null;
}

export const newCaseNote = z.object({
  note: z
    .string({ error: 'Enter the note' })
    .trim()
    .min(1, 'Enter the note')
    .max(8000, 'The note must be 8,000 characters or fewer'),
});

/**
 * The multi-agency chronology of one child: everything each agency has recorded, in time order,
 * filterable by type and agency, with case notes.
 */
export class ChronologyService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly parts: {
      episodes: EpisodesService;
      concerns: ConcernsService;
      sightings: SightingsService;
      screening: ScreeningService;
      notices: NoticesService;
      placements: PlacementsService;
    },
  ) {}

  async addNote(ctx: Context, childId: string, raw: z.input<typeof newCaseNote>): Promise<void> {
    requirePermission(ctx, 'child:view');
    const { note } = newCaseNote.parse(raw);
    await this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const [row] = await tx
        .insert(caseNote)
        .values({
          childId,
          agencyId: ctx.actor.agencyId,
          authorUserId: ctx.actor.userId,
          note,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: caseNote.id });
      await recordAudit(tx, ctx, {
        action: 'case-note.add',
        subjectType: 'case_note',
        subjectId: row?.id,
        childId,
      });
    });
  }

  async forChild(ctx: Context, childId: string): Promise<ChronologyEntry[]> {
    requirePermission(ctx, 'child:view');
    const { episodes, concerns, sightings, screening, notices, placements } = this.parts;
    const base = await episodes.chronology(ctx, childId);
    const entries: ChronologyEntry[] = base.map((e) => ({
      at: e.at,
      type: e.title.startsWith('Risk graded')
        ? 'grading'
        : e.title.startsWith('Return interview')
          ? 'interview'
          : 'episode',
      agency: null,
      title: e.title,
      detail: e.detail,
      href: e.href,
    }));
    for (const c of await concerns.forChild(ctx, childId)) {
      entries.push({
        at: c.raisedAt,
        type: 'concern',
        agency: c.agencyName,
        title: 'Concern raised',
        detail: c.details,
        href: null,
      });
    }
    for (const s of await sightings.forChild(ctx, childId)) {
      entries.push({
        at: s.seenAt,
        type: 'sighting',
        agency: s.organisation,
        title: 'Seen by staff',
        detail: s.place,
        href: null,
      });
    }
    for (const n of await notices.forChild(ctx, childId)) {
      entries.push({
        at: n.raisedAt,
        type: 'notice',
        agency: n.raisedBy,
        title: 'Concern notice raised',
        detail: n.categories.map((c) => c.replaceAll('_', ' ')).join(', '),
        href: `/notices/${n.id}`,
      });
      if (n.decidedAt && n.outcome) {
        entries.push({
          at: n.decidedAt,
          type: 'notice',
          agency: 'MASH',
          title: 'Joint decision',
          detail: n.outcome,
          href: `/notices/${n.id}`,
        });
      }
    }
    for (const p of await placements.historyFor(ctx, childId)) {
      const placing = findLocalAuthority(p.placingAuthorityCode)?.name ?? p.placingAuthorityCode;
      const host = findLocalAuthority(p.hostAuthorityCode)?.name ?? p.hostAuthorityCode;
      entries.push({
        at: new Date(`${p.startDate}T12:00:00Z`),
        type: 'placement',
        agency: placing,
        title: 'Placement started',
        detail: `In ${host} (${p.postcode})`,
        href: null,
      });
      if (p.endDate) {
        entries.push({
          at: new Date(`${p.endDate}T12:00:00Z`),
          type: 'placement',
          agency: placing,
          title: 'Placement ended',
          detail: '',
          href: null,
        });
      }
    }
    const { history } = await screening.summary(ctx, childId);
    const screeners = await this.agencyNames(history.map((h) => h.screenedByAgencyId));
    for (const h of history) {
      entries.push({
        at: h.screenedAt,
        type: 'screening',
        agency: screeners.get(h.screenedByAgencyId) ?? null,
        title: `CSE screening: ${h.level.replace('_', ' ')}`,
        detail: `Score ${h.score}`,
        href: `/screenings/${h.id}`,
      });
    }
    const notes = await this.withTransaction((tx) =>
      tx
        .select({ note: caseNote, agency: agency.name })
        .from(caseNote)
        .innerJoin(agency, eq(agency.id, caseNote.agencyId))
        .where(eq(caseNote.childId, childId))
        .orderBy(desc(caseNote.createdAt)),
    );
    for (const n of notes) {
      entries.push({
        at: n.note.createdAt,
        type: 'note',
        agency: n.agency,
        title: 'Case note',
        detail: n.note.note,
        href: null,
      });
    }
    return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
  }

  private async agencyNames(ids: string[]) {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return new Map<string, string>();
    const rows = await this.withTransaction((tx) =>
      tx.select({ id: agency.id, name: agency.name }).from(agency).where(inArray(agency.id, wanted)),
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
