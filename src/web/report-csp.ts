/**
 * The Content-Security-Policy of an HTML report served by the service. The report is one self-contained page
 * (its style inline, charts as inline SVG, no script): the service-wide policy (`style-src 'self'`) would leave it
 * unstyled. This response alone allows exactly its own style blocks, by hash; nothing else is loosened (no script
 * at all, no other origin, no framing).
 */
import { createHash } from 'node:crypto';

export function reportHtmlCsp(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  return [
    "default-src 'none'", `style-src ${hashes.length ? [...new Set(hashes)].join(' ') : "'none'"}`, "img-src 'self' data:",
    "script-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}
