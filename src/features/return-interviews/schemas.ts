import { z } from 'zod';

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .transform((v) => (v ? v : undefined))
    .optional();
const required = (max: number, message: string) =>
  z.string({ error: message }).trim().min(1, message).max(max, message);

export const offerInterview = z.object({
  outcome: z.literal('offered'),
  offeredAt: z.date({ error: 'Enter when the interview was offered' }),
  offeredBy: required(200, 'Enter who offered the interview'),
});

/** The child agreed to the offered interview. There is no column yet for when it is arranged for. */
export const acceptInterview = z.object({
  outcome: z.literal('accepted'),
});

export const declineInterview = z.object({
  outcome: z.literal('declined'),
  declinedReason: required(2000, 'Enter why the child declined'),
});

const heldFields = z.object({
  outcome: z.literal('held'),
  heldAt: z.date({ error: 'Enter when the interview was held' }),
  heldWhere: required(300, 'Enter where the interview was held'),
  interviewerName: required(200, 'Enter the interviewer’s name'),
  interviewerRole: required(200, 'Enter the interviewer’s role'),
  interviewerIndependent: z.boolean({
    error: 'Say whether the interviewer is independent of the child’s care',
  }),
  trustedAdultChosenByChild: z.boolean().default(false),
  whyLeft: text(4000, 'Why they left'),
  whereStayed: text(4000, 'Where they stayed'),
  whoWith: text(4000, 'Who they were with'),
  howTravelled: text(2000, 'How they travelled'),
  harmDisclosed: text(4000, 'Harm disclosed'),
  healthNeeds: text(2000, 'Health needs'),
  exploitationConcerns: text(4000, 'Exploitation concerns'),
  actions: text(4000, 'Actions and referrals'),
  informationSharedWith: text(2000, 'Information shared'),
});

/** Independent of the child's care, unless the child chose this person as a trusted adult. */
const independent = (v: { interviewerIndependent: boolean; trustedAdultChosenByChild: boolean }) =>
  v.interviewerIndependent || v.trustedAdultChosenByChild;
const independentRule = {
  path: ['interviewerIndependent'],
  message:
    'The interviewer must be independent of the child’s care, unless the child chose them as a trusted adult',
};

export const holdInterview = heldFields.refine(independent, independentRule);

export const recordInterview = z.discriminatedUnion(
  'outcome',
  [offerInterview, acceptInterview, declineInterview, holdInterview],
  {
    error: 'Select what happened',
  },
);
export type RecordInterview = z.infer<typeof recordInterview>;

/** The same outcomes over the API, where dates arrive as ISO 8601 strings. */
export const recordInterviewApi = z.discriminatedUnion('outcome', [
  offerInterview.extend({
    offeredAt: z.coerce.date({ error: 'Give offeredAt as an ISO 8601 date and time' }),
  }),
  acceptInterview,
  declineInterview,
  heldFields
    .extend({ heldAt: z.coerce.date({ error: 'Give heldAt as an ISO 8601 date and time' }) })
    .refine(independent, independentRule),
]);
