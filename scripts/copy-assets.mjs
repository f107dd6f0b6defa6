// Copies the non-TypeScript files the service reads at run time next to the compiled code.
import { cpSync, existsSync } from 'node:fs';

const assets = [
  ['src/store/migrations', 'dist/store/migrations'],
  ['src/web/public', 'dist/web/public'],
];
for (const [from, to] of assets) {
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
