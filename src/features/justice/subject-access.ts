import { asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import type { Section } from '../subject-access/subject-access.service';
import {
  contactWithNames,
  decisionNames,
  measureNames,
  methodNames,
  reviewOutcomeNames,
  stageNames,
  statementKindNames,
  statementStateNames,
  statusNames,
} from './schemas';
import {
  justiceCase,
  justiceCaseStatus,
  justiceContact,
  justiceSpecialMeasure,
  justiceStatement,
  justiceSupportReview,
} from './tables';

type Value = string | boolean | null;
const field = (label: string, value: Value | Date, thirdParty = false) => ({
  label,
  value: value instanceof Date ? value.toISOString() : value,
  ...(thirdParty ? { thirdParty: true } : {}),
});

/**
 * The child's justice cases for a subject access export: the export is for children's services,
 * so it includes them whatever the producer's justice permission. Persons of concern are not
 * listed: they are third parties held as intelligence.
 */
export async function justiceSubjectAccess(tx: Tx, childId: string): Promise<Section> {
  const cases = await tx
    .select()
    .from(justiceCase)
    .where(eq(justiceCase.childId, childId))
    .orderBy(asc(justiceCase.createdAt));
  if (cases.length === 0) return { heading: 'Justice cases', records: [] };
  const ids = cases.map((c) => c.id);
  const of = <T extends { caseId: string }>(rows: T[], id: string) => rows.filter((r) => r.caseId === id);
  // One query at a time: the transaction has one connection.
  const statuses = await tx
    .select()
    .from(justiceCaseStatus)
    .where(inArray(justiceCaseStatus.caseId, ids))
    .orderBy(asc(justiceCaseStatus.recordedAt));
  const statements = await tx.select().from(justiceStatement).where(inArray(justiceStatement.caseId, ids));
  const measures = await tx
    .select()
    .from(justiceSpecialMeasure)
    .where(inArray(justiceSpecialMeasure.caseId, ids));
  const contacts = await tx
    .select()
    .from(justiceContact)
    .where(inArray(justiceContact.caseId, ids))
    .orderBy(asc(justiceContact.contactAt));
  const reviews = await tx
    .select()
    .from(justiceSupportReview)
    .where(inArray(justiceSupportReview.caseId, ids));
  return {
    heading: 'Justice cases',
    records: cases.map((c) => ({
      title: `Crime reference ${c.crimeReference}${c.enteredInErrorAt ? ' (entered in error)' : ''}`,
      fields: [
        field('Status', `${statusNames[c.status]} since ${c.statusOn}`),
        field(
          'Supporter',
          [c.supporterName, c.supporterRole, c.supporterAgency].filter(Boolean).join(', ') || null,
          true,
        ),
        ...of(statuses, c.id).map((s) =>
          field(
            `Status ${s.statusOn}`,
            [statusNames[s.status], s.outcome, s.note].filter(Boolean).join(': '),
          ),
        ),
        ...of(statements, c.id).map((s) =>
          field(
            `${statementKindNames[s.kind]} ${s.occurredOn}`,
            `${statementStateNames[s.state]}${s.note ? `: ${s.note}` : ''}`,
          ),
        ),
        ...of(measures, c.id).map((m) =>
          field(
            `${measureNames[m.measure]} asked for ${m.requestedOn}`,
            `${decisionNames[m.decision]}${m.decidedOn ? ` on ${m.decidedOn}` : ''}`,
          ),
        ),
        ...of(contacts, c.id).map((k) =>
          field(
            `Contact ${k.contactAt.toISOString()}`,
            `${contactWithNames[k.contactWith]}, ${stageNames[k.stage]}, ${methodNames[k.method]}${k.note ? `: ${k.note}` : ''}`,
            Boolean(k.note),
          ),
        ),
        ...of(reviews, c.id).map((r) =>
          field(
            `Support review due ${r.dueAt.toISOString()}`,
            r.outcome
              ? `${reviewOutcomeNames[r.outcome]}${r.outcomeNote ? `: ${r.outcomeNote}` : ''}`
              : 'Not yet completed',
          ),
        ),
      ],
    })),
  };
}
