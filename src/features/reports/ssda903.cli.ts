import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { and, eq } from 'drizzle-orm';
import { commandLineContext } from '../../cli/context';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import type { Services } from '../../services';
import { ssda903Tables } from './ssda903';
import { ssda903Csv } from './ssda903.service';

interface Io {
  out(line: string): void;
  err(line: string): void;
}
type WithServices = (fn: (services: Services) => Promise<number>) => Promise<void>;

/**
 * `lantern export ssda903 --authority <ONS code> --year <YYYY> --out <folder>`: writes Header.csv,
 * Episodes.csv and Missing.csv, and lists the check's problems, as the authority's own agency.
 */
export function registerSsda903Command(program: Command, io: Io, withServices: WithServices): void {
  const exporter =
    program.commands.find((c) => c.name() === 'export') ??
    program.command('export').description('export returns and data');
  exporter
    .command('ssda903')
    .description(
      'write the SSDA903 Header, Episodes and Missing tables of an authority for a collection year',
    )
    .requiredOption('--authority <code>', 'the ONS code of the local authority, like E08000035', (v) => {
      if (!findLocalAuthority(v)) throw new InvalidArgumentError('not a local authority code');
      return v;
    })
    .requiredOption('--year <YYYY>', 'the year the collection ends (1 April to 31 March)', (v) => {
      const n = Number(v);
      if (!/^\d{4}$/.test(v) || n < 2000) throw new InvalidArgumentError('give a year like 2026');
      return n;
    })
    .requiredOption('--out <folder>', 'the folder to write the three files to')
    .action(async (opts: { authority: string; year: number; out: string }) => {
      await withServices(async (services) => {
        const [la] = await services.withTransaction((tx) =>
          tx
            .select({ id: agency.id })
            .from(agency)
            .where(and(eq(agency.type, 'local_authority'), eq(agency.localAuthorityCode, opts.authority))),
        );
        if (!la) {
          io.err(`No agency is set up for the authority ${opts.authority}.`);
          return 1;
        }
        const base = commandLineContext(la.id, ['ssda903:export', 'child:view']);
        const ctx = {
          ...base,
          actor: base.actor ? { ...base.actor, localAuthorityCode: opts.authority } : null,
        };
        const built = await services.ssda903.build(ctx, opts.authority, opts.year, 'export');
        mkdirSync(opts.out, { recursive: true });
        for (const table of ssda903Tables) {
          const file = path.join(opts.out, `${table}.csv`);
          writeFileSync(file, ssda903Csv(built, table));
          io.out(`${file}: ${built.rows[table].length} rows`);
        }
        for (const p of built.problems) io.err(`${p.child}: ${p.message}`);
        io.out(`${built.problems.length} problems found by the check.`);
        return 0;
      });
    });
}
