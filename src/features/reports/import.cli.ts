import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { and, eq, isNull } from 'drizzle-orm';
import type { CliIo } from '../../cli/program';
import { agency } from '../../platform/agencies/tables';
import { contextForUser } from '../../platform/auth/actor';
import { appUser } from '../../platform/auth/tables';
import { systemClock } from '../../platform/context';
import type { Services } from '../../services';
import { type ColumnMapping, importFieldKeys } from './import';
import type { ImportReport } from './import.service';

type WithServices = (fn: (services: Services) => Promise<number>) => Promise<void>;

/** Reads a mapping file: a JSON object from Lantern's field names to the file's column headers. */
function readMapping(text: string): ColumnMapping | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'The mapping file is not JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return 'The mapping file must be a JSON object of field names and column headers';
  const mapping: ColumnMapping = {};
  for (const [field, column] of Object.entries(value)) {
    if (!(importFieldKeys as string[]).includes(field))
      return `“${field}” is not a field; the fields are: ${importFieldKeys.join(', ')}`;
    if (typeof column !== 'string') return `The column for “${field}” must be a header, in quotes`;
    mapping[field as keyof ColumnMapping] = column;
  }
  return mapping;
}

function printReport(io: CliIo, report: ImportReport, dryRun: boolean): number {
  if (report.fileProblem) {
    io.err(report.fileProblem);
    return 1;
  }
  if (report.mappingProblems.length > 0) {
    io.err(`The columns found: ${report.headers.join(', ')}`);
    for (const p of report.mappingProblems) io.err(p.message);
    return 1;
  }
  for (const p of report.problems)
    io.err(`Row ${p.row}${p.policeReference ? ` (${p.policeReference})` : ''}: ${p.reason}`);
  const counts = `${report.rows.toLocaleString('en-GB')} rows: ${report.created.toLocaleString('en-GB')} new, ${report.unchanged.toLocaleString('en-GB')} unchanged`;
  if (report.problems.length > 0) {
    io.err(
      `${report.problems.length} rows have problems; nothing was imported. ${counts} among the good rows.`,
    );
    return 1;
  }
  io.out(dryRun ? `Checked, nothing imported. ${counts}.` : `Imported. ${counts}.`);
  return 0;
}

/** `lantern import episodes <file>`: a force's missing-person reports, checked, then imported all or nothing. */
export function registerImportCommand(program: Command, io: CliIo, withServices: WithServices): void {
  const imports =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('import records from files');
  imports
    .command('episodes <file>')
    .description(
      'import a police force’s missing-person reports from CSV: every row is checked first, and one bad row means nothing is imported',
    )
    .option(
      '--mapping <json file>',
      'the file’s column for each field, as JSON (default: guessed from the headers)',
    )
    .option('--dry-run', 'check the file and report what would happen, importing nothing')
    .option('--as <email>', 'the police user importing: the reports are their force’s (needed)')
    .action(async (file: string, opts: { mapping?: string; dryRun?: boolean; as?: string }) => {
      await withServices(async (services) => {
        if (!opts.as) {
          io.err('Say who is importing with --as <email>: a police user who may import reports.');
          return 1;
        }
        const email = opts.as.trim().toLowerCase();
        const [row] = await services.withTransaction((tx) =>
          tx
            .select({ u: appUser, a: agency })
            .from(appUser)
            .innerJoin(agency, eq(agency.id, appUser.agencyId))
            .where(and(eq(appUser.email, email), isNull(appUser.disabledAt), isNull(agency.disabledAt))),
        );
        const ctx = row ? contextForUser(row.u, row.a, `cli-${process.pid}`, systemClock) : null;
        if (!ctx?.permissions.has('episode:import') || row?.a.type !== 'police_force') {
          io.err(`${opts.as} is not a police user who may import reports.`);
          return 1;
        }
        let csv: string;
        let mapping: ColumnMapping | undefined;
        try {
          csv = await readFile(file, 'utf8');
          if (opts.mapping) {
            const read = readMapping(await readFile(opts.mapping, 'utf8'));
            if (typeof read === 'string') {
              io.err(read);
              return 1;
            }
            mapping = read;
          }
        } catch (error) {
          io.err(`Cannot read the file: ${(error as Error).message}`);
          return 1;
        }
        const bar = new SingleBar(
          {
            format: '{stage} {bar} {percentage}% | {value}/{total} rows',
            noTTYOutput: true,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        let stage: string | null = null;
        const onProgress = (next: 'checking' | 'writing', done: number, total: number) => {
          const label = next === 'checking' ? 'Checking' : 'Writing ';
          if (stage !== label) {
            if (stage) bar.stop();
            bar.start(total, done, { stage: label });
            stage = label;
          } else bar.update(done);
        };
        const input = { csv, fileName: path.basename(file), ...(mapping ? { mapping } : {}), onProgress };
        // A report still open raises alerts, whose emails are jobs sent in the import's transaction.
        if (!opts.dryRun) await services.jobs.start();
        try {
          const report = opts.dryRun
            ? await services.imports.check(ctx, input)
            : await services.imports.import(ctx, input);
          if (stage) bar.stop();
          return printReport(io, report, Boolean(opts.dryRun));
        } finally {
          if (stage) bar.stop();
          await services.jobs.stop();
        }
      });
    });
}
