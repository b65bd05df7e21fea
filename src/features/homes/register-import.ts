import { parse } from 'csv-parse/sync';
import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import { findLocalAuthority, localAuthorities } from '../../platform/agencies/reference-data';

/** The register file's columns, exactly. */
export const registerColumns = [
  'urn',
  'name',
  'provider',
  'address',
  'postcode',
  'local_authority',
  'registered_places',
  'status',
] as const;

const authorityByName = new Map(localAuthorities.map((a) => [a.name.toLowerCase(), a.code]));

const row = z.object({
  urn: z
    .string()
    .trim()
    .regex(/^(SC)?\d{6,7}$/i, 'URN must be the Ofsted number, like SC123456'),
  name: z.string().trim().min(1, 'Name is missing').max(200, 'Name is longer than 200 characters'),
  provider: z
    .string()
    .trim()
    .min(1, 'Provider is missing')
    .max(200, 'Provider is longer than 200 characters'),
  address: z.string().trim().min(1, 'Address is missing').max(400, 'Address is longer than 400 characters'),
  postcode: z
    .string()
    .trim()
    .refine((p) => isValidPostcode(p), 'Postcode is not a valid UK postcode')
    .transform((p) => toNormalised(p) ?? p),
  local_authority: z
    .string()
    .trim()
    .transform((v, ctx) => {
      const code = findLocalAuthority(v.toUpperCase())?.code ?? authorityByName.get(v.toLowerCase());
      if (!code) {
        ctx.addIssue({
          code: 'custom',
          message: 'Local authority is not an English or Welsh upper-tier authority (name or ONS code)',
        });
        return z.NEVER;
      }
      return code;
    }),
  registered_places: z.coerce
    .number({ error: 'Registered places must be a whole number' })
    .int('Registered places must be a whole number')
    .min(0, 'Registered places cannot be negative')
    .max(200, 'Registered places is more than 200'),
  status: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['active', 'suspended', 'closed'], { error: 'Status must be active, suspended or closed' })),
});
export type RegisterRow = z.output<typeof row>;

export interface RowProblem {
  /** The line in the file, counting the header as line 1. */
  line: number;
  urn: string;
  problems: string[];
}

export type ParsedRegister =
  | { ok: true; rows: RegisterRow[] }
  | { ok: false; fileProblem?: string; rowProblems: RowProblem[] };

/** Reads a register CSV and checks every row; reports every bad row, not just the first. */
export function parseRegister(text: string): ParsedRegister {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    return {
      ok: false,
      fileProblem: `The file is not readable CSV: ${(error as Error).message}`,
      rowProblems: [],
    };
  }
  const [header, ...body] = records;
  const normalisedHeader = (header ?? []).map((h) => h.trim().toLowerCase());
  if (
    registerColumns.some((c, i) => normalisedHeader[i] !== c) ||
    normalisedHeader.length !== registerColumns.length
  ) {
    return {
      ok: false,
      fileProblem: `The first row must be exactly: ${registerColumns.join(',')}`,
      rowProblems: [],
    };
  }
  if (body.length === 0) return { ok: false, fileProblem: 'The file has no homes in it', rowProblems: [] };
  const rows: RegisterRow[] = [];
  const rowProblems: RowProblem[] = [];
  const seen = new Map<string, number>();
  body.forEach((cells, i) => {
    const line = i + 2;
    const record = Object.fromEntries(registerColumns.map((c, j) => [c, cells[j] ?? '']));
    const problems: string[] = [];
    if (cells.length !== registerColumns.length)
      problems.push(`Has ${cells.length} columns; expected ${registerColumns.length}`);
    const parsed = row.safeParse(record);
    if (!parsed.success) problems.push(...parsed.error.issues.map((e) => e.message));
    const urn = (record.urn ?? '').toUpperCase();
    const earlier = seen.get(urn);
    if (urn && earlier) problems.push(`URN ${urn} is also on line ${earlier}`);
    if (urn) seen.set(urn, line);
    if (problems.length > 0) rowProblems.push({ line, urn, problems });
    else if (parsed.success) rows.push({ ...parsed.data, urn });
  });
  return rowProblems.length > 0 ? { ok: false, rowProblems } : { ok: true, rows };
}
