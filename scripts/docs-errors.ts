/** Writes docs/errors.md from the error catalogue (`npm run docs:errors`); test/docs/errors-doc.test.ts keeps it in step. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderErrorsDoc } from './lib/errors-doc';

const target = path.join(__dirname, '..', 'docs', 'errors.md');
writeFileSync(target, renderErrorsDoc());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
