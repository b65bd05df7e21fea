import cluster from 'node:cluster';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { systemClock } from './platform/context';
import { openConfiguredDatabase } from './platform/db/open';
import { createServices } from './services';
import { isEmpty, seedDemo } from './synth/demo';
import { seedDemoRecords } from './synth/demo-records';
import { startWorkers } from './workers';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Lantern needs Node.js 22.12 or newer; this is ${process.versions.node}. Run it with npm start or npx lantern.`,
  );
  process.exit(1);
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  // With LANTERN_PROCESSES > 1 the first process migrates and loads demo data, then starts that
  // many workers on the same port (node:cluster); each is a whole Lantern against PostgreSQL.
  const primary = config.processes > 1 && cluster.isPrimary;
  const worker = config.processes > 1 && !cluster.isPrimary;
  const database = await openConfiguredDatabase(config);
  const services = createServices(database, config, systemClock);
  if (!worker && config.demo && (await isEmpty(services.withTransaction))) {
    const { users } = await seedDemo(services.withTransaction, systemClock, config.demoPassword);
    await seedDemoRecords(services.withTransaction, systemClock);
    console.log(`Demo data loaded: ${users} demo users (see README for sign-ins) and synthetic children.`);
  }
  // Places recorded with coordinates but no H3 cell get one: hotspots count by it.
  if (!worker) await services.hotspots.fillMissingCells();
  if (primary) {
    services.mailer.close();
    await database.close();
    for (let i = 0; i < config.processes; i += 1) cluster.fork();
    cluster.on('exit', (_dead, code, signal) => {
      if (signal === 'SIGTERM' || signal === 'SIGINT' || code === 0) return;
      console.error(`A Lantern process stopped (${signal ?? code}); starting another`);
      cluster.fork();
    });
    const stopAll = (signal: NodeJS.Signals) => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
      process.exit(0);
    };
    process.once('SIGINT', () => stopAll('SIGINT'));
    process.once('SIGTERM', () => stopAll('SIGTERM'));
    return;
  }
  await startWorkers(services);
  const { app } = await createApp(services);
  await app.listen({ port: config.port, host: config.host });
  console.log(
    `Lantern is running at ${config.baseUrl} (${database.kind}, ready in ${Date.now() - started} ms)`,
  );

  const shutdown = async (signal: string) => {
    console.log(`${signal}: stopping`);
    await app.close();
    await services.jobs.stop();
    services.mailer.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
