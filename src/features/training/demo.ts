import { eq, inArray } from 'drizzle-orm';
import { agency } from '../../platform/agencies/tables';
import type { Tx } from '../../platform/db/client';
import { londonDate } from '../../platform/http/london-time';
import { childrensHome } from '../homes/tables';
import { type TrainingSector, trainingCourse, trainingRecord, trainingStaff } from './tables';
import { addMonths } from './training.service';

// Invented names only, used in turn: nothing here describes a real person.
const givenNames = [
  'Alys',
  'Bram',
  'Cerys',
  'Dov',
  'Elin',
  'Fenn',
  'Gwen',
  'Hal',
  'Iona',
  'Jory',
  'Kit',
  'Lark',
];
const familyNames = ['Ashcombe', 'Brackley', 'Calder', 'Dunholm', 'Elswick', 'Farrow', 'Garside', 'Holbeck'];

const daysBefore = (today: string, days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * A few synthetic staff and their training for the demo: the provider's homes, the hotel and the
 * West Yorkshire force, each with some trained, some due to renew and some not trained, so the
 * shares and renewals show. Idempotent: does nothing once any staff are recorded.
 */
export async function seedDemoTraining(tx: Tx, now: Date): Promise<void> {
  const [any] = await tx.select({ id: trainingStaff.id }).from(trainingStaff).limit(1);
  if (any) return;
  const agencies = await tx
    .select({ id: agency.id, name: agency.name })
    .from(agency)
    .where(
      inArray(agency.name, [
        'Brightwater Children’s Homes Ltd',
        'Canal Street Hotel',
        'West Yorkshire Police',
      ]),
    );
  const byName = (n: string) => agencies.find((a) => a.name === n)?.id;
  const courses = await tx.select().from(trainingCourse);
  const course = (title: string) => courses.find((c) => c.title === title);
  const grooming = course('Recognising grooming and exploitation');
  const missing = course('Children who go missing: what to do');
  const hotelCourse = course('Hotel and venue staff: what to look for');
  if (!grooming || !missing || !hotelCourse) return;
  const today = londonDate(now);
  let n = 0;
  const groups: {
    agencyId: string;
    homeId: string | null;
    sector: TrainingSector;
    size: number;
    courseId: string;
  }[] = [];
  const provider = byName('Brightwater Children’s Homes Ltd');
  if (provider) {
    const homes = await tx
      .select({ id: childrensHome.id })
      .from(childrensHome)
      .where(eq(childrensHome.providerAgencyId, provider))
      .orderBy(childrensHome.urn)
      .limit(3);
    for (const h of homes)
      groups.push({ agencyId: provider, homeId: h.id, sector: 'home_staff', size: 6, courseId: grooming.id });
  }
  const hotel = byName('Canal Street Hotel');
  if (hotel)
    groups.push({
      agencyId: hotel,
      homeId: null,
      sector: 'hotel_or_venue',
      size: 5,
      courseId: hotelCourse.id,
    });
  const police = byName('West Yorkshire Police');
  if (police)
    groups.push({ agencyId: police, homeId: null, sector: 'police', size: 4, courseId: missing.id });
  for (const g of groups) {
    for (let i = 0; i < g.size; i += 1) {
      n += 1;
      const [s] = await tx
        .insert(trainingStaff)
        .values({
          agencyId: g.agencyId,
          homeId: g.homeId,
          givenName: givenNames[n % givenNames.length] ?? 'Alys',
          familyName: familyNames[(n * 5) % familyNames.length] ?? 'Ashcombe',
          sector: g.sector,
          startedOn: daysBefore(today, 400 + n * 11),
          // The last of each group has left, so the staff list shows a leaver.
          leftOn: i === g.size - 1 ? daysBefore(today, 30) : null,
          createdAt: now,
        })
        .returning({ id: trainingStaff.id });
      if (!s) continue;
      const validity = courses.find((c) => c.id === g.courseId)?.validityMonths ?? 12;
      // Most trained within the validity; one due to renew soon; one long expired; one never trained.
      const pattern = i % 4;
      if (pattern === 3) continue;
      const completedOn =
        pattern === 0
          ? daysBefore(today, 60 + n * 3)
          : pattern === 1
            ? daysBefore(addMonths(today, -validity), -25)
            : daysBefore(addMonths(today, -validity), 90);
      await tx.insert(trainingRecord).values({
        staffId: s.id,
        courseId: g.courseId,
        completedOn,
        validUntil: addMonths(completedOn, validity),
        provider: 'Leeds Safeguarding Partnership (synthetic)',
        createdAt: now,
      });
    }
  }
}
