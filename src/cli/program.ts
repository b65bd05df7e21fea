import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config';
import { registerImportCommand } from '../features/reports/import.cli';
import { registerSsda903Command } from '../features/reports/ssda903.cli';
import { isRole, roleNames } from '../platform/access/catalogue';
import { AuditChainCut, sealAll, verifyAuditLog } from '../platform/audit/audit';
import { createUserSchema } from '../platform/auth/schemas';
import { systemClock } from '../platform/context';
import { runBackupCommand } from '../platform/db/backup';
import type { Database } from '../platform/db/client';
import { openConfiguredDatabase } from '../platform/db/open';
import { ValidationError } from '../platform/http/errors';
import { createServices, type Services } from '../services';
import { seedDemo } from '../synth/demo';
import { seedDemoRecords } from '../synth/demo-records';
import { scaleShapes, seedScale } from '../synth/scale';
import { commandLineContext } from './context';
import { hasNoChildren, listUsersForCli, resolveAgency } from './queries';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Throw a CommanderError instead of exiting the process (tests run the command in process). */
  throwOnExit?: boolean;
}

/**
 * The `lantern` command, built around its environment and output so tests can run it in process.
 * Returns the program and a reader for the exit code its last command set.
 */
export function buildProgram(io: CliIo): { program: Command; exitCode(): number } {
  let exitCode = 0;

  /** Runs one command with the configured database, closing it afterwards. */
  async function withServices(
    fn: (services: Services, database: Database) => Promise<number>,
  ): Promise<void> {
    const config = loadConfig(io.env);
    const database = await openConfiguredDatabase(config);
    try {
      exitCode = await fn(createServices(database, config, systemClock), database);
    } finally {
      await database.close();
    }
  }

  const program = new Command()
    .name('lantern')
    .description(
      'Lantern: the multi-agency safeguarding hub. Uses DATABASE_URL, or the embedded database in LANTERN_DATA_DIR.',
    )
    .showHelpAfterError();
  program.configureOutput({
    writeOut: (text) => io.out(text.trimEnd()),
    writeErr: (text) => io.err(text.trimEnd()),
  });
  if (io.throwOnExit) program.exitOverride();

  program
    .command('migrate')
    .description('apply the database migrations and update the reference data')
    .action(async () => {
      await withServices(async (_s, database) => {
        io.out(`Migrations applied (${database.kind}).`);
        return 0;
      });
    });

  program
    .command('seed')
    .description(
      'load synthetic data: the demo agencies and one user per role, then children at the chosen scale',
    )
    .option('--password <password>', 'password for the demo users (default: LANTERN_DEMO_PASSWORD)')
    .addOption(
      new Option('--scale <scale>', 'demo (one authority), force (a police force area) or national')
        .choices(['demo', 'force', 'national'])
        .default('demo'),
    )
    .option('--seed <number>', 'the random seed: the same seed gives the same data', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidArgumentError('the seed is a whole number');
      return n;
    })
    .action(async (opts: { password?: string; scale: 'demo' | 'force' | 'national'; seed?: number }) => {
      const config = loadConfig(io.env);
      if (config.env === 'production') {
        io.err('Refusing to load demo data when NODE_ENV=production.');
        exitCode = 1;
        return;
      }
      await withServices(async (services, database) => {
        const { users } = await seedDemo(
          services.withTransaction,
          systemClock,
          opts.password ?? config.demoPassword,
        );
        io.out(`Demo data loaded: ${users} new users.`);
        if (!(await hasNoChildren(services))) {
          if (opts.scale !== 'demo') {
            io.err('The database already holds children: load a scale into an empty database.');
            return 1;
          }
          return 0;
        }
        if (opts.scale === 'demo') {
          await seedDemoRecords(services.withTransaction, systemClock);
          io.out('Synthetic children, homes, episodes and return interviews loaded.');
          return 0;
        }
        const bar = new SingleBar(
          {
            format: 'Children {bar} {percentage}% | {value}/{total} | {duration}s',
            noTTYOutput: true,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        const summary = await seedScale(
          database,
          services.withTransaction,
          systemClock,
          scaleShapes[opts.scale],
          {
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            progress: {
              start: (total) => bar.start(total, 0),
              update: (done) => bar.update(done),
              stop: () => bar.stop(),
            },
          },
        );
        io.out(`The ${opts.scale} dataset loaded in ${summary.seconds.toFixed(1)} s:`);
        for (const [name, n] of Object.entries(summary.counts))
          io.out(`  ${name.padEnd(20)} ${n.toLocaleString('en-GB')}`);
        return 0;
      });
    });

  const user = program.command('user').description('manage user accounts');

  const roleList = (value: string): string[] => {
    const list = value.split(',').map((r) => r.trim());
    const bad = list.filter((r) => !isRole(r));
    if (bad.length > 0)
      throw new InvalidArgumentError(`unknown role ${bad.join(', ')}; roles are: ${roleNames.join(', ')}`);
    return list;
  };

  user
    .command('add')
    .description('add a user to an agency')
    .requiredOption('--email <email>', 'work email address')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--agency <agency>', 'agency id or exact name')
    .requiredOption('--roles <roles>', `comma-separated roles: ${roleNames.join(', ')}`, roleList)
    .option('--password <password>', 'initial password (otherwise a temporary one is printed)')
    .action(
      async (opts: { email: string; name: string; agency: string; roles: string[]; password?: string }) => {
        await withServices(async (services) => {
          const agencyId = await resolveAgency(services, opts.agency);
          if (!agencyId) {
            io.err(`No agency called or numbered "${opts.agency}".`);
            return 1;
          }
          const parsed = createUserSchema.safeParse({ ...opts, agencyId });
          if (!parsed.success) {
            for (const issue of parsed.error.issues) io.err(`${issue.path.join('.')}: ${issue.message}`);
            return 1;
          }
          const result = await services.users.create(
            commandLineContext(agencyId, ['user:manage', 'agency:manage-all']),
            parsed.data,
          );
          io.out(`Added user ${result.id}.`);
          if (result.temporaryPassword) io.out(`Temporary password: ${result.temporaryPassword}`);
          return 0;
        }).catch((error: unknown) => {
          if (error instanceof ValidationError)
            for (const f of error.fieldErrors) io.err(`${f.field}: ${f.message}`);
          else io.err(error instanceof Error ? error.message : String(error));
          exitCode = 1;
        });
      },
    );

  user
    .command('list')
    .description('list users with their agency and roles')
    .action(async () => {
      await withServices(async (services) => {
        const rows = await listUsersForCli(services);
        for (const r of rows) {
          io.out([r.email, r.agencyName, r.roles.join(','), r.disabledAt ? 'disabled' : 'active'].join('\t'));
        }
        return 0;
      });
    });

  const audit = program.command('audit').description('the audit log');

  audit
    .command('verify')
    .description(
      'seal any new rows, then check every link of the audit chain; exits 1 at the first broken link',
    )
    .option('--no-seal', 'check only, without sealing new rows first')
    .action(async (opts: { seal: boolean }) => {
      await withServices(async (services) => {
        // A chain cut short is not sealed further: the check below names where it was cut.
        if (opts.seal) {
          await sealAll(services.withTransaction).catch((error) => {
            if (!(error instanceof AuditChainCut)) throw error;
          });
        }
        const result = await verifyAuditLog(services.withTransaction);
        if (result.ok) {
          io.out(
            `OK: ${result.sealed} audit events verified${result.unsealed ? `, ${result.unsealed} not yet sealed` : ''}.`,
          );
          return 0;
        }
        const b = result.brokenAt;
        io.err(
          `BROKEN at chain position ${b.chainPos}${b.seq !== null ? ` (audit event ${b.seq})` : ''}: ${b.problem}. ${result.sealed} events before it verified.`,
        );
        return 1;
      });
    });

  program
    .command('backup')
    .description('write a backup of the whole database: pg_dump on PostgreSQL, the data folder on PGlite')
    .requiredOption('--out <file>', 'the backup file to write')
    .action(async (opts: { out: string }) => {
      exitCode = await runBackupCommand(loadConfig(io.env), io, 'backup', opts.out);
    });

  program
    .command('restore <file>')
    .description('restore a backup into an empty database; refuses one holding Lantern tables')
    .option('--force', 'restore anyway: empty the PostgreSQL database first, or move the PGlite folder aside')
    .action(async (file: string, opts: { force?: boolean }) => {
      exitCode = await runBackupCommand(loadConfig(io.env), io, 'restore', file, opts.force);
    });

  registerSsda903Command(program, io, withServices);
  registerImportCommand(program, io, withServices);
  return { program, exitCode: () => exitCode };
}
