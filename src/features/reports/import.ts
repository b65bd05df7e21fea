import { parse } from 'csv-parse/sync';
import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { fromLondon } from '../../platform/http/london-time';
import { type EpisodeKind, type RiskGrade, riskGrades } from '../episodes/tables';

/**
 * Reading a police force's missing-person reports from CSV: which of the file's columns holds
 * each of Lantern's fields (the mapping), and each row checked into an episode or a list of
 * reasons it cannot be one. Nothing here touches the database.
 */

export const importFields = {
  policeReference: { label: 'Police reference', required: true },
  policePersonId: { label: 'Police person id', required: false },
  upn: { label: 'Unique pupil number (UPN)', required: false },
  localAuthorityChildId: { label: 'Local authority child id', required: false },
  givenName: { label: 'Given name', required: false },
  familyName: { label: 'Family name', required: false },
  dateOfBirth: { label: 'Date of birth', required: false },
  kind: { label: 'Missing or absent', required: true },
  startedAt: { label: 'Last seen (started at)', required: true },
  reportedAt: { label: 'Reported at', required: false },
  endedAt: { label: 'Found or returned (ended at)', required: false },
  lastSeenLocation: { label: 'Where last seen', required: false },
  lastSeenPostcode: { label: 'Postcode where last seen', required: false },
  foundLocation: { label: 'Where found', required: false },
  riskGrade: { label: 'Risk grade', required: false },
} as const;

export type ImportField = keyof typeof importFields;
export const importFieldKeys = Object.keys(importFields) as ImportField[];

/** Lantern's field → the header of the file's column that holds it. */
export type ColumnMapping = Partial<Record<ImportField, string>>;

/** Header spellings police systems commonly use, compared without case, spaces or punctuation. */
const headerAliases: Record<ImportField, string[]> = {
  policeReference: ['policereference', 'reference', 'ref', 'incidentreference', 'occurrencereference', 'urn'],
  policePersonId: ['policepersonid', 'personid', 'pncid', 'nominalid'],
  upn: ['upn', 'uniquepupilnumber'],
  localAuthorityChildId: ['localauthoritychildid', 'lachildid', 'childid'],
  givenName: ['givenname', 'forename', 'firstname', 'forenames'],
  familyName: ['familyname', 'surname', 'lastname'],
  dateOfBirth: ['dateofbirth', 'dob', 'birthdate'],
  kind: ['kind', 'missingorabsent', 'type', 'category'],
  startedAt: ['startedat', 'lastseen', 'lastseenat', 'missingfrom', 'start'],
  reportedAt: ['reportedat', 'reported', 'reporttime', 'timereported'],
  endedAt: ['endedat', 'foundat', 'returnedat', 'found', 'returned', 'end'],
  lastSeenLocation: ['lastseenlocation', 'wherelastseen', 'lastseenplace', 'location', 'missingfromlocation'],
  lastSeenPostcode: ['lastseenpostcode', 'postcode'],
  foundLocation: ['foundlocation', 'foundplace', 'wherefound'],
  riskGrade: ['riskgrade', 'risk', 'grade', 'risklevel'],
};

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A mapping guessed from the file's headers, for the form to start from. */
export function suggestMapping(headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const field of importFieldKeys) {
    const match = headers.find((h) => !taken.has(h) && headerAliases[field].includes(squash(h)));
    if (match) {
      mapping[field] = match;
      taken.add(match);
    }
  }
  return mapping;
}

export interface CsvFile {
  headers: string[];
  /** The rows after the header, each as its cells. */
  records: string[][];
}

/** Reads the file's header and rows; a file that is not CSV, or has no rows, is a problem with the file. */
export function readCsv(text: string): { ok: true; file: CsvFile } | { ok: false; problem: string } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    return { ok: false, problem: `The file is not readable CSV: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header || header.every((h) => h === '')) return { ok: false, problem: 'The file has no header row' };
  if (body.length === 0) return { ok: false, problem: 'The file has no reports in it' };
  return { ok: true, file: { headers: header, records: body } };
}

export interface MappingProblem {
  field: ImportField | 'mapping';
  message: string;
}

/** Checks a mapping against the file: every required field mapped, columns that exist, a way to find the child. */
export function checkMapping(mapping: ColumnMapping, headers: string[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const used = new Map<string, ImportField>();
  for (const field of importFieldKeys) {
    const column = mapping[field];
    if (!column) {
      if (importFields[field].required)
        problems.push({
          field,
          message: `Select the column that holds the ${importFields[field].label.toLowerCase()}`,
        });
      continue;
    }
    if (!headers.includes(column)) {
      problems.push({ field, message: `The file has no column called “${column}”` });
      continue;
    }
    const other = used.get(column);
    if (other) {
      problems.push({
        field,
        message: `The column “${column}” is already used for the ${importFields[other].label.toLowerCase()}`,
      });
    }
    used.set(column, field);
  }
  const byIdentifier = mapping.policePersonId || mapping.upn || mapping.localAuthorityChildId;
  const byNames = mapping.givenName && mapping.familyName && mapping.dateOfBirth;
  if (!byIdentifier && !byNames) {
    problems.push({
      field: 'mapping',
      message:
        'Select a column that identifies the child: police person id, UPN or local authority child id, or both names and the date of birth',
    });
  }
  return problems;
}

/** What a good row says, ready to be matched to a child and written. */
export interface ImportRow {
  /** The row in the file, counting the header row as row 1. */
  row: number;
  policeReference: string;
  policePersonId?: string;
  upn?: string;
  localAuthorityChildId?: string;
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  kind: EpisodeKind;
  startedAt: Date;
  /** Null when the file has no reported-at column: the report is then taken as made when the child was last seen. */
  reportedAt: Date | null;
  endedAt: Date | null;
  lastSeenLocation: string | null;
  lastSeenPostcode: string | null;
  foundLocation: string | null;
  riskGrade: RiskGrade | null;
}

export interface RowProblem {
  row: number;
  policeReference: string;
  reason: string;
}

const kinds: Record<string, EpisodeKind> = {
  missing: 'missing',
  m: 'missing',
  absent: 'absent',
  a: 'absent',
  away: 'absent',
  awaywithoutauthorisation: 'absent',
};

const grades: Record<string, RiskGrade> = {
  noapparentrisk: 'no_apparent_risk',
  verylow: 'no_apparent_risk',
  low: 'low',
  medium: 'medium',
  high: 'high',
};
for (const g of riskGrades) grades[squash(g)] = g;

/**
 * A date and time as police systems write it, read as London time unless it carries its own
 * offset: `2026-01-05 14:30`, `2026-01-05T14:30:00Z`, `05/01/2026 14:30`.
 */
export function parseInstant(text: string): Date | null {
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, , zone] = iso;
    if (zone) {
      const at = new Date(text.replace(' ', 'T'));
      return Number.isNaN(at.getTime()) ? null : at;
    }
    return fromLondon(Number(y), Number(mo), Number(d), Number(h), Number(mi));
  }
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T,]+(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(text);
  if (uk) {
    const [, d, mo, y, h, mi] = uk;
    return fromLondon(Number(y), Number(mo), Number(d), Number(h), Number(mi));
  }
  return null;
}

/** A calendar date as `2012-04-30` or `30/04/2012`, returned as `2012-04-30`. */
export function parseDate(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) ?? null;
  const uk = m ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const [y, mo, d] = m ? [m[1], m[2], m[3]] : uk ? [uk[3], uk[2], uk[1]] : [];
  if (!y || !mo || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d)
  )
    return null;
  return `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

const DATE_HINT = 'a date and time, like 05/01/2026 14:30';

/**
 * Checks every row against the mapping, returning the good rows and every reason each bad row
 * cannot be imported (several reasons for one row are joined). Checks needing the database
 * (the child, open episodes, earlier imports) come later.
 */
export function checkRows(
  file: CsvFile,
  mapping: ColumnMapping,
  now: Date,
): { rows: ImportRow[]; problems: RowProblem[] } {
  const index = Object.fromEntries(
    importFieldKeys.map((f) => [f, mapping[f] ? file.headers.indexOf(mapping[f] as string) : -1]),
  ) as Record<ImportField, number>;
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const firstRowOf = new Map<string, number>();
  file.records.forEach((cells, i) => {
    const rowNumber = i + 2;
    const cell = (f: ImportField) => (index[f] >= 0 ? (cells[index[f]] ?? '').trim() : '');
    const reasons: string[] = [];
    const policeReference = cell('policeReference');
    if (!policeReference) reasons.push('The police reference is missing');
    else if (policeReference.length > 40) reasons.push('The police reference is longer than 40 characters');
    else {
      const earlier = firstRowOf.get(policeReference);
      if (earlier) reasons.push(`The police reference ${policeReference} is also on row ${earlier}`);
      else firstRowOf.set(policeReference, rowNumber);
    }
    const kind = kinds[squash(cell('kind'))];
    if (!kind)
      reasons.push(
        cell('kind') ? `“${cell('kind')}” is not missing or absent` : 'Missing or absent is blank',
      );
    const startedAt = cell('startedAt') ? parseInstant(cell('startedAt')) : null;
    if (!cell('startedAt')) reasons.push('When the child was last seen is blank');
    else if (!startedAt) reasons.push(`When the child was last seen is not ${DATE_HINT}`);
    else if (startedAt > now) reasons.push('When the child was last seen is in the future');
    let reportedAt: Date | null = null;
    if (cell('reportedAt')) {
      reportedAt = parseInstant(cell('reportedAt'));
      if (!reportedAt) reasons.push(`When the child was reported is not ${DATE_HINT}`);
      else if (startedAt && reportedAt < startedAt)
        reasons.push('The child was reported before they were last seen');
      else if (reportedAt > now) reasons.push('When the child was reported is in the future');
    } else if (index.reportedAt >= 0) reasons.push('When the child was reported is blank');
    let endedAt: Date | null = null;
    if (cell('endedAt')) {
      endedAt = parseInstant(cell('endedAt'));
      if (!endedAt) reasons.push(`When the child was found or returned is not ${DATE_HINT}`);
      else if (startedAt && endedAt < startedAt)
        reasons.push('The child was found or returned before they were last seen (end before start)');
      else if (endedAt > now) reasons.push('When the child was found or returned is in the future');
    }
    const postcodeText = cell('lastSeenPostcode');
    const lastSeenPostcode = postcodeText
      ? isValidPostcode(postcodeText)
        ? toNormalised(postcodeText)
        : null
      : null;
    if (postcodeText && !lastSeenPostcode) reasons.push(`“${postcodeText}” is not a real postcode`);
    const gradeText = cell('riskGrade');
    const riskGrade = gradeText ? (grades[squash(gradeText)] ?? null) : null;
    if (gradeText && !riskGrade)
      reasons.push(`“${gradeText}” is not a risk grade (no apparent risk, low, medium or high)`);
    const dobText = cell('dateOfBirth');
    const dateOfBirth = dobText ? parseDate(dobText) : null;
    if (dobText && !dateOfBirth)
      reasons.push(`The date of birth “${dobText}” is not a date, like 30/04/2012`);
    const ids = {
      policePersonId: cell('policePersonId') || undefined,
      upn: cell('upn').toUpperCase() || undefined,
      localAuthorityChildId: cell('localAuthorityChildId') || undefined,
    };
    const names = { givenName: cell('givenName') || undefined, familyName: cell('familyName') || undefined };
    if (
      !ids.policePersonId &&
      !ids.upn &&
      !ids.localAuthorityChildId &&
      !(names.givenName && names.familyName && dobText)
    )
      reasons.push('Nothing identifies the child: give an identifier, or both names and the date of birth');
    for (const [field, max] of [
      ['lastSeenLocation', 300],
      ['foundLocation', 300],
    ] as const) {
      if (cell(field).length > max)
        reasons.push(`${importFields[field].label} is longer than ${max} characters`);
    }
    if (reasons.length > 0 || !kind || !startedAt) {
      problems.push({ row: rowNumber, policeReference, reason: reasons.join('; ') });
      return;
    }
    rows.push({
      row: rowNumber,
      policeReference,
      ...ids,
      ...names,
      ...(dateOfBirth ? { dateOfBirth } : {}),
      kind,
      startedAt,
      reportedAt,
      endedAt,
      lastSeenLocation: cell('lastSeenLocation') || null,
      lastSeenPostcode,
      foundLocation: cell('foundLocation') || null,
      riskGrade,
    });
  });
  return { rows, problems };
}
