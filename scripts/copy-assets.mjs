// Copies the non-TypeScript files the service reads at run time next to the compiled code: the SQL migrations.
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true });
