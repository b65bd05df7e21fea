import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { type TrainingSector, trainingSectors } from './tables';

/** The columns of an attendance file, exactly, in this order. */
export const attendanceColumns = [
  'given_name',
  'family_name',
  'email',
  'home_urn',
  'sector',
  'course',
  'completed_on',
  'started_on',
] as const;

export const sectorNames: Record<TrainingSector, string> = {
  home_staff: 'Children’s home staff',
  police: 'Police',
  health: 'Health',
  education: 'Education',
  hotel_or_venue: 'Hotel or venue staff',
  social_care: 'Social care',
  voluntary: 'Voluntary sector',
  other: 'Other',
};

/** What a file may say for each sector: the code, or the words people write. */
const sectorWords = new Map<string, TrainingSector>([
  ...trainingSectors.map((s) => [s.replaceAll('_', ' '), s] as const),
  ...Object.entries(sectorNames).map(
    ([s, name]) => [name.toLowerCase().replace('’', "'"), s as TrainingSector] as const,
  ),
  ['home', 'home_staff'],
  ['childrens home', 'home_staff'],
  ["children's home", 'home_staff'],
  ["children's home staff", 'home_staff'],
  ['childrens home staff', 'home_staff'],
  ['hotel', 'hotel_or_venue'],
  ['venue', 'hotel_or_venue'],
  ['hotel staff', 'hotel_or_venue'],
  ['venue staff', 'hotel_or_venue'],
  ['hotel or venue', 'hotel_or_venue'],
  ['voluntary', 'voluntary'],
]);

export function sectorOf(value: string): TrainingSector | undefined {
  const key = value.trim().toLowerCase().replace('’', "'").replaceAll(/[_-]/g, ' ').replaceAll(/\s+/g, ' ');
  return sectorWords.get(key);
}

/** A date written as dd/mm/yyyy or yyyy-mm-dd, as YYYY-MM-DD; undefined when it is not a real date. */
export function fileDate(value: string): string | undefined {
  const v = value.trim();
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const [y, m, d] = uk
    ? [Number(uk[3]), Number(uk[2]), Number(uk[1])]
    : iso
      ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
      : [0, 0, 0];
  if (!y) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const name = (what: string) =>
  z.string().trim().min(1, `${what} is missing`).max(100, `${what} is longer than 100 characters`);

const row = z.object({
  given_name: name('Given name'),
  family_name: name('Family name'),
  email: z
    .string()
    .trim()
    .max(254, 'Email is longer than 254 characters')
    .pipe(z.union([z.literal(''), z.email('Email is not a valid email address')]))
    .transform((v) => (v === '' ? null : v.toLowerCase())),
  home_urn: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(
      z.union([
        z.literal(''),
        z.string().regex(/^(SC)?\d{6,7}$/, 'Home URN must be an Ofsted number, like SC123456'),
      ]),
    )
    .transform((v) => (v === '' ? null : v)),
  sector: z.string().transform((v, ctx) => {
    const s = sectorOf(v);
    if (!s) {
      ctx.addIssue({
        code: 'custom',
        message:
          'Sector must be one of: home staff, police, health, education, hotel or venue staff, social care, voluntary, other',
      });
      return z.NEVER;
    }
    return s;
  }),
  course: z.string().trim().min(1, 'Course is missing').max(200, 'Course is longer than 200 characters'),
  completed_on: z.string().transform((v, ctx) => {
    const d = fileDate(v);
    if (!d) {
      ctx.addIssue({
        code: 'custom',
        message: v.trim()
          ? 'Completed on must be a real date, like 27/03/2026 or 2026-03-27'
          : 'Completed on is missing',
      });
      return z.NEVER;
    }
    return d;
  }),
  started_on: z.string().transform((v, ctx) => {
    if (v.trim() === '') return null;
    const d = fileDate(v);
    if (!d) {
      ctx.addIssue({
        code: 'custom',
        message: 'Started on must be a real date, like 01/09/2024 or 2024-09-01',
      });
      return z.NEVER;
    }
    return d;
  }),
});
export type AttendanceRow = z.output<typeof row> & { line: number };

export interface RowProblem {
  /** The line in the file, counting the header as line 1. */
  line: number;
  who: string;
  problems: string[];
}

/** The rows that read well, and the problems of those that do not: the service checks the first further. */
export type ParsedAttendance =
  | { ok: true; rows: AttendanceRow[]; rowProblems: RowProblem[] }
  | { ok: false; fileProblem: string; rowProblems: RowProblem[] };

/**
 * Reads an attendance CSV and checks each row on its own; every bad row is reported, not just the
 * first. Checks against what is recorded (the course, the home) follow in the service, and their
 * problems join these.
 */
export function parseAttendance(text: string, today: string): ParsedAttendance {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    return {
      ok: false,
      fileProblem: `The file is not readable CSV: ${(error as Error).message.slice(0, 200)}`,
      rowProblems: [],
    };
  }
  const [header, ...body] = records;
  const got = (header ?? []).map((h) => h.trim().toLowerCase().replaceAll(' ', '_'));
  if (got.length !== attendanceColumns.length || attendanceColumns.some((c, i) => got[i] !== c)) {
    return {
      ok: false,
      fileProblem: `The first row must be exactly: ${attendanceColumns.join(',')}`,
      rowProblems: [],
    };
  }
  if (body.length === 0) return { ok: false, fileProblem: 'The file has no training in it', rowProblems: [] };
  if (body.length > 5000) {
    return {
      ok: false,
      fileProblem: 'The file has more than 5,000 rows: split it into smaller files',
      rowProblems: [],
    };
  }
  const rows: AttendanceRow[] = [];
  const rowProblems: RowProblem[] = [];
  body.forEach((cells, i) => {
    const line = i + 2;
    const record = Object.fromEntries(attendanceColumns.map((c, j) => [c, cells[j] ?? '']));
    const who = `${record.given_name ?? ''} ${record.family_name ?? ''}`.trim().slice(0, 200);
    const problems: string[] = [];
    if (cells.length !== attendanceColumns.length)
      problems.push(`Has ${cells.length} columns; expected ${attendanceColumns.length}`);
    const parsed = row.safeParse(record);
    const completedOn = fileDate(record.completed_on ?? '');
    if (completedOn && completedOn > today) problems.push('Completed on is in the future');
    if (!parsed.success) problems.push(...parsed.error.issues.map((e) => e.message));
    if (problems.length > 0) rowProblems.push({ line, who, problems });
    else if (parsed.success) rows.push({ ...parsed.data, line });
  });
  return { ok: true, rows, rowProblems };
}
