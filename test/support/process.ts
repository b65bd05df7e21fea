import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

// Real Lantern server processes for the tests that run several of them, or kill them: started as
// `npm start` would start one, waited for until they answer, and stopped or killed.

const root = path.resolve(import.meta.dirname, '../..');

/** A port nothing listens on now: the system picks it, and it is given back at once. */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServerOptions {
  databaseUrl: string;
  port: number;
  /** Settings besides the database, the port, development mode and warnings-only logs. */
  env?: Record<string, string>;
  /** Where its output goes; by default its errors are shown and the rest dropped. */
  stdio?: StdioOptions;
}

/** Starts `src/main.ts` in a process of its own, against the given database and port. */
export function spawnServer(options: ServerOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: options.stdio ?? ['ignore', 'ignore', 'inherit'],
  });
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Asks for the sign-in page every 100 ms, up to `attempts` times, until it answers. With `child`,
 * stops asking as soon as that process has exited. Says which came first; the caller decides
 * whether anything but 'up' is a failure.
 */
export async function waitForServer(
  base: string,
  options: { attempts: number; child?: ChildProcess },
): Promise<'up' | 'exited' | 'timed out'> {
  for (let i = 0; i < options.attempts; i += 1) {
    if (options.child && hasExited(options.child)) return 'exited';
    try {
      if ((await fetch(`${base}/sign-in`)).ok) return 'up';
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timed out';
}

/**
 * Sends the process a signal (SIGTERM to stop it, SIGKILL to kill it) and waits until it has
 * exited; nothing to do when it is gone already. The signal is sent before the first wait, so the
 * process is signalled by the time this returns its promise.
 */
export async function stopServer(
  child: ChildProcess | null,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!child || hasExited(child)) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}
