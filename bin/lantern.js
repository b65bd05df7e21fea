#!/usr/bin/env node
// The `lantern` command. TypeScript is loaded through tsx, like `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
