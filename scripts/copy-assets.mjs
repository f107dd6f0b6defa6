// Copies the non-TypeScript files the service reads at run time next to the compiled code: the SQL migrations, and
// the OpenAPI document whose request schemas every body is checked against (dist/openapi.yaml, found by
// src/validation/openapi-requests.ts; its $refs to schemas/ resolve from the project's schemas/ as before).
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true });
cpSync('docs/openapi.yaml', 'dist/openapi.yaml');
