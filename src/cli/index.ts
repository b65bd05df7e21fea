import { buildProgram } from './program';

const { program, exitCode } = buildProgram({
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
await program.parseAsync(process.argv);
process.exitCode = exitCode();
