import { eq } from 'drizzle-orm';
import { careEpisode, categoriesOfNeed, legalStatuses } from '../features/reports/tables';
import { child } from '../platform/access/tables';
import type { Tx } from '../platform/db/client';
import { prng } from './random';

const DAY = 86_400_000;
const CHECK_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** A unique pupil number: its check letter, then the authority, school, year and serial digits. */
export function upnWithCheckLetter(digits12: string): string {
  const sum = [...digits12].reduce((s, d, i) => s + Number(d) * (i + 2), 0);
  return `${CHECK_LETTERS[sum % 23]}${digits12}`;
}

type ChildRow = typeof child.$inferSelect;
interface PlacementRow {
  childId: string;
  startDate: string;
}

/**
 * Care episodes for the demo's looked-after children, consistent with their placements: each
 * starts when the child's placement started (RNE S, the child's legal status); about one child in
 * six changed legal status since (the first episode ends X1 on a day inside the last year and a
 * second, RNE L, starts that day). Looked-after children without a UPN are given one. Draws on its
 * own generator, so the rest of the demo data is as it was.
 */
export async function seedDemoCareEpisodes(
  tx: Tx,
  children: ChildRow[],
  placements: PlacementRow[],
  now: Date,
): Promise<void> {
  const random = prng(20_261_126);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const today = now.toISOString().slice(0, 10);
  const placementOf = new Map(placements.map((p) => [p.childId, p]));
  const rows: (typeof careEpisode.$inferInsert)[] = [];
  for (const c of children) {
    const placed = placementOf.get(c.id);
    if (!c.lookedAfter || !c.responsibleAuthorityCode || !placed) continue;
    const status = (legalStatuses as readonly string[]).includes(c.legalStatus ?? '')
      ? (c.legalStatus as (typeof legalStatuses)[number])
      : 'C2';
    const need = random() < 0.6 ? 'N1' : pick(categoriesOfNeed);
    const base = {
      childId: c.id,
      authorityCode: c.responsibleAuthorityCode,
      categoryOfNeed: need,
      createdAt: new Date(`${placed.startDate}T09:00:00Z`),
    };
    const startMs = Date.parse(placed.startDate);
    const days = Math.floor((now.getTime() - startMs) / DAY);
    if (random() < 1 / 6 && days > 20) {
      const changedOn = new Date(startMs + Math.floor(days * (0.3 + random() * 0.5)) * DAY)
        .toISOString()
        .slice(0, 10);
      // Usually an interim care order (C1) followed by a full care order (C2).
      const first = status === 'C2' ? 'C1' : status;
      rows.push({
        ...base,
        startedOn: placed.startDate,
        reasonNewEpisode: 'S',
        legalStatus: first,
        endedOn: changedOn,
        reasonCeased: 'X1',
      });
      rows.push({ ...base, startedOn: changedOn, reasonNewEpisode: 'L', legalStatus: 'C2' });
    } else if (placed.startDate <= today) {
      rows.push({ ...base, startedOn: placed.startDate, reasonNewEpisode: 'S', legalStatus: status });
    }
    if (!c.upn) {
      const digits = Array.from({ length: 12 }, () => Math.floor(random() * 10)).join('');
      await tx
        .update(child)
        .set({ upn: upnWithCheckLetter(digits) })
        .where(eq(child.id, c.id));
    }
  }
  for (let i = 0; i < rows.length; i += 500) await tx.insert(careEpisode).values(rows.slice(i, i + 500));
}
