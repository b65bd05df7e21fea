import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program';

/** Runs `lantern …` in this process, as the bin would, collecting its output and exit code. */
export async function runCli(env: NodeJS.ProcessEnv, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { program, exitCode } = buildProgram({
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    throwOnExit: true,
  });
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = exitCode();
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode;
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
