import { z } from 'zod';
import {
  contactMethods,
  contactStages,
  contactWith,
  justiceStatuses,
  type measureDecisions,
  reviewOutcomes,
  specialMeasures,
  statementKinds,
  statementStates,
} from './tables';

export const statusNames: Record<(typeof justiceStatuses)[number], string> = {
  investigating: 'Investigating',
  no_further_action: 'No further action',
  charged: 'Charged',
  discontinued: 'Discontinued by the prosecutor',
  trial: 'Trial',
  outcome: 'Outcome',
};
export const statementKindNames: Record<(typeof statementKinds)[number], string> = {
  written_statement: 'Written statement',
  abe_interview: 'Achieving Best Evidence (ABE) interview',
};
export const statementStateNames: Record<(typeof statementStates)[number], string> = {
  offered: 'Offered',
  refused: 'Refused',
  held: 'Held',
};
export const measureNames: Record<(typeof specialMeasures)[number], string> = {
  live_link: 'Live link',
  screens: 'Screens',
  intermediary: 'Intermediary',
  pre_recorded_evidence: 'Pre-recorded cross-examination (section 28)',
  video_recorded_interview: 'Video-recorded interview as evidence in chief',
};
export const decisionNames: Record<(typeof measureDecisions)[number], string> = {
  pending: 'Waiting for the court',
  granted: 'Granted',
  refused: 'Refused',
};
export const contactWithNames: Record<(typeof contactWith)[number], string> = {
  child: 'The child',
  family: 'The family',
  both: 'The child and the family',
};
export const stageNames: Record<(typeof contactStages)[number], string> = {
  before: 'Before court',
  during: 'During court',
  after: 'After court',
};
export const methodNames: Record<(typeof contactMethods)[number], string> = {
  in_person: 'In person',
  phone: 'Phone',
  video: 'Video call',
  letter: 'Letter',
};
export const reviewOutcomeNames: Record<(typeof reviewOutcomes)[number], string> = {
  continue_support: 'Support continues',
  support_ended: 'Support ended',
};

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : undefined));

const isoDay = (message: string) => z.iso.date({ error: message });

export const statusInput = z
  .object({
    status: z.enum(justiceStatuses, { error: 'Select where the case stands' }),
    statusOn: isoDay('Enter the date the case reached this stage'),
    outcome: optionalText(500, 'The outcome'),
    note: optionalText(2000, 'The note'),
  })
  .refine((v) => v.status !== 'outcome' || Boolean(v.outcome), {
    message: 'Enter the outcome of the trial',
    path: ['outcome'],
  })
  .transform((v) => ({ ...v, outcome: v.status === 'outcome' ? v.outcome : undefined }));
export type StatusInput = z.input<typeof statusInput>;

export const supporterInput = z.object({
  supporterName: optionalText(200, 'The supporter’s name'),
  supporterRole: optionalText(200, 'The supporter’s role'),
  supporterAgency: optionalText(200, 'The supporter’s organisation'),
});
export type SupporterInput = z.input<typeof supporterInput>;

export const newCaseInput = z
  .object({
    crimeReference: z
      .string({ error: 'Enter the crime reference' })
      .trim()
      .min(1, 'Enter the crime reference')
      .max(60, 'The crime reference must be 60 characters or fewer'),
    status: z.enum(justiceStatuses, { error: 'Select where the case stands' }),
    statusOn: isoDay('Enter the date the case reached this stage'),
    outcome: optionalText(500, 'The outcome'),
    note: optionalText(2000, 'The note'),
  })
  .extend(supporterInput.shape)
  .refine((v) => v.status !== 'outcome' || Boolean(v.outcome), {
    message: 'Enter the outcome of the trial',
    path: ['outcome'],
  });
export type NewCaseInput = z.input<typeof newCaseInput>;

export const statementInput = z.object({
  kind: z.enum(statementKinds, { error: 'Select a written statement or an ABE interview' }),
  state: z.enum(statementStates, { error: 'Select whether it was offered, refused or held' }),
  occurredOn: isoDay('Enter the date it was offered, refused or held'),
  note: optionalText(2000, 'The note'),
});
export type StatementInput = z.input<typeof statementInput>;

export const measureRequestInput = z.object({
  measure: z.enum(specialMeasures, { error: 'Select the special measure asked for' }),
  requestedOn: isoDay('Enter the date it was asked for'),
});
export type MeasureRequestInput = z.input<typeof measureRequestInput>;

export const measureDecisionInput = z.object({
  measureId: z.uuid({ error: 'Select the special measure the court decided' }),
  decision: z.enum(['granted', 'refused'], { error: 'Select whether the court granted or refused it' }),
  decidedOn: isoDay('Enter the date the court decided'),
});
export type MeasureDecisionInput = z.input<typeof measureDecisionInput>;

export const contactInput = z.object({
  contactAt: z.date({ error: 'Enter when the contact was' }),
  contactWith: z.enum(contactWith, { error: 'Select who the contact was with' }),
  stage: z.enum(contactStages, { error: 'Select the stage of the case' }),
  method: z.enum(contactMethods, { error: 'Select how the contact was made' }),
  note: optionalText(4000, 'The note'),
});
export type ContactInput = z.input<typeof contactInput>;

export const personInput = z.object({
  entityId: z.uuid({ error: 'Select the person of concern' }),
});

export const inErrorInput = z.object({
  reason: z
    .string({ error: 'Enter why the case was entered in error' })
    .trim()
    .min(1, 'Enter why the case was entered in error')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
});

export const reviewInput = z
  .object({
    outcome: z.enum(reviewOutcomes, { error: 'Select whether support continues or has ended' }),
    note: optionalText(2000, 'The note'),
  })
  .refine((v) => v.outcome !== 'support_ended' || Boolean(v.note), {
    message: 'Enter why support has ended',
    path: ['note'],
  });
export type ReviewInput = z.input<typeof reviewInput>;
