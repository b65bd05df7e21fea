import { authoritySelectItems } from '../../platform/agencies/presenters';
import { localAuthorities } from '../../platform/agencies/reference-data';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { ChildRow } from './children.repository';
import type { SearchHit } from './children.service';
import { ethnicityCodes, legalStatusCodes, sexCodes } from './codes';
import { childCorrectableNames } from './schemas';
import { type ChildCorrectableField, childCorrectableFields } from './tables';

const label = <T extends Record<string, string>>(codes: T, code: string | null | undefined) =>
  code && code in codes ? `${codes[code as keyof T]} (${code})` : 'Not recorded';

export function authorityName(code: string | null | undefined): string {
  return localAuthorities.find((a) => a.code === code)?.name ?? 'Not recorded';
}

export function ageOn(dateOfBirth: string | null, today: Date): string {
  if (!dateOfBirth) return '';
  const dob = new Date(`${dateOfBirth}T00:00:00Z`);
  let age = today.getUTCFullYear() - dob.getUTCFullYear();
  const beforeBirthday =
    today.getUTCMonth() < dob.getUTCMonth() ||
    (today.getUTCMonth() === dob.getUTCMonth() && today.getUTCDate() < dob.getUTCDate());
  if (beforeBirthday) age -= 1;
  return `${age}`;
}

export function childSummaryRows(
  c: ChildRow & { aliases: { givenName: string; familyName: string }[] },
  today: Date,
) {
  const dob = c.dateOfBirth
    ? `${formatDate(c.dateOfBirth)} (age ${ageOn(c.dateOfBirth, today)})`
    : 'Not known';
  return [
    { key: { text: 'Name' }, value: { text: `${c.givenName} ${c.familyName}` } },
    {
      key: { text: 'Other names' },
      value: {
        text: c.aliases.length
          ? c.aliases.map((a) => `${a.givenName} ${a.familyName}`).join(', ')
          : 'None recorded',
      },
    },
    { key: { text: 'Date of birth' }, value: { text: dob } },
    { key: { text: 'Sex' }, value: { text: label(sexCodes, c.sex) } },
    { key: { text: 'Ethnicity' }, value: { text: label(ethnicityCodes, c.ethnicity) } },
    {
      key: { text: 'Looked after' },
      value: { text: c.lookedAfter ? `Yes, by ${authorityName(c.responsibleAuthorityCode)}` : 'No' },
    },
    ...(c.lookedAfter
      ? [{ key: { text: 'Legal status' }, value: { text: label(legalStatusCodes, c.legalStatus) } }]
      : []),
  ];
}

export function identifierRows(c: ChildRow) {
  return [
    { key: { text: 'Unique pupil number' }, value: { text: c.upn ?? 'Not recorded' } },
    { key: { text: 'Local authority child id' }, value: { text: c.localAuthorityChildId ?? 'Not recorded' } },
    { key: { text: 'Police person id' }, value: { text: c.policePersonId ?? 'Not recorded' } },
    { key: { text: 'Home postcode' }, value: { text: c.homePostcode ?? 'Not recorded' } },
    { key: { text: 'Home address' }, value: { text: c.homeAddress ?? 'Not recorded' } },
  ];
}

export function searchRows(hits: SearchHit[], today: Date) {
  return hits.map((h) => [
    {
      html: `<a class="govuk-link" href="/children/${h.child.id}">${escapeHtml(`${h.child.givenName} ${h.child.familyName}`)}</a>${
        h.matchedAlias
          ? `<br><span class="govuk-hint govuk-!-font-size-16">Known as ${escapeHtml(h.matchedName)}</span>`
          : ''
      }`,
    },
    {
      text: h.child.dateOfBirth
        ? `${formatDate(h.child.dateOfBirth)} (${ageOn(h.child.dateOfBirth, today)})`
        : 'Not known',
    },
    {
      text: h.child.lookedAfter
        ? `Looked after by ${authorityName(h.child.responsibleAuthorityCode)}`
        : 'Not looked after',
    },
  ]);
}

export function childRows(list: ChildRow[], today: Date) {
  return searchRows(
    list.map((c) => ({ child: c, matchedName: '', matchedAlias: false, score: 1 })),
    today,
  );
}

export const sexItems = (selected?: string) =>
  Object.entries(sexCodes).map(([value, text]) => ({ value, text, checked: value === selected }));

export const ethnicityItems = (selected?: string) => [
  { value: '', text: 'Select ethnicity' },
  ...Object.entries(ethnicityCodes).map(([value, text]) => ({ value, text, selected: value === selected })),
];

export const legalStatusItems = (selected?: string) => [
  { value: '', text: 'Select legal status' },
  ...Object.entries(legalStatusCodes).map(([value, text]) => ({
    value,
    text: `${value}: ${text}`,
    selected: value === selected,
  })),
];

export const authorityItems = (selected?: string) => authoritySelectItems(selected);

export function placementRows(p: {
  postcode: string;
  hostAuthorityCode: string;
  placingAuthorityCode: string;
  placementType: string;
  startDate: string;
  distanceFromHomeMiles: number | null;
  outOfArea: boolean;
}) {
  return [
    { key: { text: 'Placed in' }, value: { text: `${authorityName(p.hostAuthorityCode)} (${p.postcode})` } },
    { key: { text: 'Placed by' }, value: { text: authorityName(p.placingAuthorityCode) } },
    { key: { text: 'Type' }, value: { text: p.placementType } },
    { key: { text: 'Since' }, value: { text: formatDate(p.startDate) } },
    {
      key: { text: 'Distance from home' },
      value: {
        html: `${p.distanceFromHomeMiles === null ? 'Not known' : `${Math.round(p.distanceFromHomeMiles)} miles`}${
          p.outOfArea ? ' <strong class="govuk-tag govuk-tag--orange">Out of area</strong>' : ''
        }`,
      },
    },
  ];
}

/** What an event's link opens, by the page it goes to. */
const linkTexts: [prefix: string, text: string][] = [
  ['/episodes/', 'Open the episode'],
  ['/notices/', 'Open the concern notice'],
  ['/screenings/', 'Open the screening'],
  ['/advocacy/', 'Open the advocacy record'],
  ['/justice-cases/', 'Open the justice case'],
];

export function timelineItems(events: { at: Date; title: string; detail: string; href: string | null }[]) {
  return events.map((e) => ({
    title: e.title,
    iso: e.at.toISOString(),
    when: formatDateTime(e.at),
    detail: e.detail,
    href: e.href,
    linkText: linkTexts.find(([prefix]) => e.href?.startsWith(prefix))?.[1] ?? 'Open the record',
  }));
}

interface RiskInputs {
  childId: string;
  risk: {
    episode: { id: string; kind: 'missing' | 'absent'; startedAt: Date };
    grading: { grade: string; rationale: string; nextReviewAt: Date | null } | null;
  } | null;
  screening: {
    latest: { id: string; level: string; score: number; screenedAt: Date; reviewOn: string } | null;
    prompts: string[];
  };
  notices: { id: string; categories: string[]; raisedAt: Date }[];
  /** Each flag with why; `href`, when given, opens the record the flag is about. */
  flags: { code: string; reason: string; href?: string }[];
  now: Date;
  mayScreen: boolean;
}

const gradeLabels: Record<string, string> = {
  no_apparent_risk: 'no apparent risk',
  low: 'low',
  medium: 'medium',
  high: 'high',
};
const levelLabels: Record<string, string> = {
  not_at_risk: 'Not at risk',
  mild: 'Mild',
  moderate: 'Moderate',
  significant: 'Significant',
};

/** The risk panel: the open episode's grade, the latest screening, open notices and flags, each with why. */
const flagNames: Record<string, string> = {
  'repeat-missing': 'Repeat missing',
  'repeat-absence': 'Repeat absence',
  'justice-no-contact': 'No contact in a justice case',
};

export function riskRows(r: RiskInputs) {
  const link = (href: string, text: string) => `<a class="govuk-link" href="${href}">${escapeHtml(text)}</a>`;
  const episode = r.risk
    ? [
        link(
          `/episodes/${r.risk.episode.id}`,
          `${r.risk.episode.kind === 'missing' ? 'Missing' : 'Absent'} since ${formatDateTime(r.risk.episode.startedAt)}`,
        ),
        r.risk.grading
          ? escapeHtml(
              `Graded ${gradeLabels[r.risk.grading.grade] ?? r.risk.grading.grade} risk: ${r.risk.grading.rationale}`,
            )
          : '<strong class="govuk-tag govuk-tag--red">Not yet graded</strong>',
        r.risk.grading?.nextReviewAt
          ? `${escapeHtml(`Next review ${formatDateTime(r.risk.grading.nextReviewAt)}`)}${r.risk.grading.nextReviewAt < r.now ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''}`
          : '',
      ]
        .filter(Boolean)
        .join('<br>')
    : 'No open episode';
  const latest = r.screening.latest;
  const screening = [
    latest
      ? link(
          `/screenings/${latest.id}`,
          `${levelLabels[latest.level] ?? latest.level} (score ${latest.score}), ${formatDate(latest.screenedAt)}; review by ${formatDate(latest.reviewOn)}`,
        )
      : 'Not screened',
    ...r.screening.prompts.map(
      (p) => `<strong class="govuk-tag govuk-tag--orange">Screening due</strong> ${escapeHtml(p)}`,
    ),
    r.mayScreen ? link(`/children/${r.childId}/screenings/new`, latest ? 'Screen again' : 'Screen now') : '',
  ]
    .filter(Boolean)
    .join('<br>');
  const notices = r.notices.length
    ? r.notices
        .map((n) =>
          link(
            `/notices/${n.id}`,
            `Raised ${formatDate(n.raisedAt)}: ${n.categories.map((c) => c.replaceAll('_', ' ')).join(', ')}`,
          ),
        )
        .join('<br>')
    : 'None waiting for a decision';
  const flags = r.flags.length
    ? r.flags
        .map(
          (f) =>
            `<strong class="govuk-tag govuk-tag--red">${flagNames[f.code] ?? f.code}</strong> ${f.href ? link(f.href, f.reason) : escapeHtml(f.reason)}`,
        )
        .join('<br>')
    : 'None';
  return [
    { key: { text: 'Open episode' }, value: { html: episode } },
    { key: { text: 'CSE screening' }, value: { html: screening } },
    { key: { text: 'Open notices' }, value: { html: notices } },
    { key: { text: 'Flags' }, value: { html: flags } },
  ];
}

const recordStatusNames = { open: 'Open', handed_over: 'Handed over', closed: 'Closed' } as const;

/** Where the record stands at 18: the birthday, when the decision is due, and the decision once made. */
export function atEighteenRows(s: {
  status: keyof typeof recordStatusNames;
  eighteenthBirthday: string | null;
  dueFrom: string | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  handedOverTo: string | null;
  note: string | null;
}) {
  return [
    { key: { text: 'Record' }, value: { text: recordStatusNames[s.status] } },
    {
      key: { text: '18th birthday' },
      value: {
        text: s.eighteenthBirthday ? formatDate(s.eighteenthBirthday) : 'Not known: no date of birth',
      },
    },
    ...(s.status === 'open' && s.dueFrom
      ? [{ key: { text: 'Decision due from' }, value: { text: formatDate(s.dueFrom) } }]
      : []),
    ...(s.status === 'handed_over'
      ? [{ key: { text: 'Handed over to' }, value: { text: s.handedOverTo ?? '' } }]
      : []),
    ...(s.status !== 'open'
      ? [
          {
            key: { text: 'Decided' },
            value: { text: `${formatDateTime(s.decidedAt)}${s.decidedBy ? ` by ${s.decidedBy}` : ''}` },
          },
          { key: { text: s.status === 'closed' ? 'Why closed' : 'Note' }, value: { text: s.note ?? '' } },
        ]
      : []),
  ];
}

/** A detail's value as the page shows it: codes with their names, dates in full. */
export function detailText(field: ChildCorrectableField, value: string | null): string {
  if (value === null) return 'Not recorded';
  switch (field) {
    case 'dateOfBirth':
      return formatDate(value);
    case 'sex':
      return label(sexCodes, value);
    case 'ethnicity':
      return label(ethnicityCodes, value);
    case 'legalStatus':
      return label(legalStatusCodes, value);
    case 'lookedAfter':
      return value === 'true' ? 'Yes' : 'No';
    case 'responsibleAuthorityCode':
      return authorityName(value);
    default:
      return value;
  }
}

/** A detail of the record as the history keeps it. */
export function currentDetail(c: ChildRow, field: ChildCorrectableField): string | null {
  const v = c[field];
  return v === null ? null : String(v);
}

/** The first step of a correction: which detail, with what is recorded now. */
export const correctableItems = (c: ChildRow) =>
  childCorrectableFields.map((f) => ({
    value: f,
    text: childCorrectableNames[f],
    hint: { text: `Now: ${detailText(f, currentDetail(c, f))}` },
  }));

/** "Changes to these details": when, which, was, now, why, and who with their agency. */
export function childCorrectionRows(
  rows: {
    correction: {
      field: ChildCorrectableField;
      oldValue: string | null;
      newValue: string | null;
      reason: string;
      correctedAt: Date;
    };
    by: string | null;
    agency: string;
  }[],
) {
  return rows.map(({ correction: c, by, agency }) => [
    { text: formatDateTime(c.correctedAt) },
    { text: childCorrectableNames[c.field] },
    { text: detailText(c.field, c.oldValue) },
    { text: detailText(c.field, c.newValue) },
    { text: c.reason },
    { text: by ? `${by}, ${agency}` : agency },
  ]);
}

type ValueInput = 'text' | 'textarea' | 'date' | 'radios' | 'select';

/** The question, hint and kind of answer of each correctable detail. */
export const correctionQuestions: Record<
  ChildCorrectableField,
  { question: string; hint?: string; input: ValueInput; width?: string }
> = {
  givenName: { question: 'What is the child’s first name?', input: 'text' },
  familyName: { question: 'What is the child’s last name?', input: 'text' },
  dateOfBirth: {
    question: 'What is the child’s date of birth?',
    hint: 'For example, 27 3 2011. Leave it blank if it is not known',
    input: 'date',
  },
  sex: { question: 'What is the child’s sex?', input: 'radios' },
  ethnicity: { question: 'What is the child’s ethnicity?', input: 'select' },
  upn: {
    question: 'What is the child’s unique pupil number?',
    hint: '13 characters, or UN1 to UN5 when there is none. Leave it blank if it is not known',
    input: 'text',
    width: 'govuk-input--width-20',
  },
  localAuthorityChildId: {
    question: 'What is the local authority child id?',
    hint: 'Leave it blank if it is not known',
    input: 'text',
    width: 'govuk-input--width-20',
  },
  policePersonId: {
    question: 'What is the police person id?',
    hint: 'Leave it blank if it is not known',
    input: 'text',
    width: 'govuk-input--width-20',
  },
  legalStatus: {
    question: 'What is the child’s legal status?',
    hint: 'Only a looked-after child has a legal status',
    input: 'select',
  },
  lookedAfter: {
    question: 'Is the child looked after by a local authority?',
    hint: 'A looked-after child has a responsible authority: correct that first if none is recorded. A child no longer looked after has no legal status: clear that first',
    input: 'radios',
  },
  responsibleAuthorityCode: { question: 'Which is the responsible (placing) authority?', input: 'select' },
  homePostcode: {
    question: 'What is the child’s home postcode?',
    hint: 'Where the child lives or lived before care. Leave it blank if it is not known',
    input: 'text',
    width: 'govuk-input--width-10',
  },
  homeAddress: {
    question: 'What is the child’s home address?',
    hint: 'Leave it blank if it is not known',
    input: 'textarea',
  },
};

/** The choices for a detail answered by radios or a list, with the current answer chosen. */
export function correctionItems(field: ChildCorrectableField, selected: string | undefined) {
  const notRecorded = { value: '', text: 'Not recorded' };
  switch (field) {
    case 'sex':
      return sexItems(selected);
    case 'lookedAfter':
      return [
        { value: 'yes', text: 'Yes', checked: selected === 'yes' },
        { value: 'no', text: 'No', checked: selected === 'no' },
      ];
    case 'ethnicity':
      return [notRecorded, ...ethnicityItems(selected).slice(1)];
    case 'legalStatus':
      return [notRecorded, ...legalStatusItems(selected).slice(1)];
    case 'responsibleAuthorityCode':
      return authoritySelectItems(selected, 'Not recorded');
    default:
      return [];
  }
}
