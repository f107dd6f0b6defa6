/**
 * The report as one self-contained HTML page for the EESSI Technical Commission: French labels, headline figures,
 * inline SVG charts (no script, no CDN, no web font: system fonts only), every table, and print rules for A4.
 */
import { DateTime } from 'luxon';
import { barChart, esc, stackedBar } from './charts';
import { REPORT_ZONE } from './period';
import type { Report } from './report-model';
import { reportTables, type Cell, type Column, type ReportTable } from './report-tables';

const COLOURS = { auto: '#1f4e79', manual: '#5b9bd5', returned: '#c55a11', triage: '#e0a800', received: '#a5b8cc', previous: '#b7b7b7', ok: '#2e7d32', late: '#c62828' };

const int = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const fmtCount = (v: number) => int.format(v);
const fmtPct = (v: number) => `${dec.format(v * 100)} %`;
const fmtHours = (v: number) => `${dec.format(v)} h`;
const fmtDuration = (seconds: number) => (seconds < 3600 ? `${dec.format(seconds / 60)} min` : seconds < 172_800 ? `${dec.format(seconds / 3600)} h` : `${dec.format(seconds / 86_400)} j`);
const fmtDate = (iso: string) => DateTime.fromISO(iso, { zone: REPORT_ZONE }).setLocale('fr').toFormat('dd/MM/yyyy HH:mm');

function cell(v: Cell, c: Column, rowKind: Cell): string {
  if (v === null || v === undefined || v === '') return '<td class="empty">—</td>';
  if (typeof v === 'number') {
    const kind = c.kind ?? rowKind;
    const shown = kind === 'ratio' ? fmtPct(v) : kind === 'hours' ? fmtHours(v) : kind === 'seconds' ? fmtDuration(v) : Number.isInteger(v) ? fmtCount(v) : dec.format(v);
    return `<td class="num">${esc(shown)}</td>`;
  }
  if (typeof v === 'boolean') return `<td>${v ? 'oui' : 'non'}</td>`;
  return `<td>${esc(c.kind === 'date' ? fmtDate(v) : v)}</td>`;
}

function table(t: ReportTable): string {
  const head = t.columns.map((c) => `<th scope="col">${esc(c.label)}</th>`).join('');
  const body = t.rows.length
    ? t.rows.map((r) => `<tr>${t.columns.map((c) => cell(r[c.key] ?? null, c, r.kind ?? null)).join('')}</tr>`).join('')
    : `<tr><td colspan="${t.columns.length}" class="empty">Aucune ligne sur la période</td></tr>`;
  return `<section class="table" id="t-${t.id}"><h3>${esc(t.title)}</h3><table data-table="${t.id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></section>`;
}

function tile(label: string, value: string, note = '', tone = ''): string {
  return `<div class="tile ${tone}"><div class="tile-value">${esc(value)}</div><div class="tile-label">${esc(label)}</div>${note ? `<div class="tile-note">${esc(note)}</div>` : ''}</div>`;
}

function tiles(r: Report): string {
  const h = r.helpdesk;
  const sla = h.slaCompliance === null ? 'n/d' : fmtPct(h.slaCompliance);
  const tone = h.slaTargetMet === null ? '' : h.slaTargetMet ? 'ok' : 'late';
  return `<div class="tiles">${[
    tile('BUC reçus', fmtCount(r.cases.received), `${fmtCount(r.envelopes.received)} SED`),
    tile('Taux de transfert', r.cases.transferRate === null ? 'n/d' : fmtPct(r.cases.transferRate), `${fmtCount(r.cases.forwarded)} transmis`),
    tile('En attente de tri', fmtCount(r.cases.inTriage), `${fmtCount(r.cases.returned)} renvoyés`),
    tile('Tickets C2C', fmtCount(h.opened), `${fmtCount(h.resolved)} résolus`),
    tile('Conformité SLA', sla, h.slaTarget === null ? '' : `objectif ${fmtPct(h.slaTarget)}`, tone),
  ].join('')}</div>`;
}

const topN = <T>(rows: T[], n: number) => rows.slice(0, n);

/** The charts: the first five are about cases, the last three about the help desk. */
function charts(r: Report): string[] {
  const h = r.helpdesk;
  const cmp = r.kind === 'yearly'
    ? { key: 'previousYearForwarded', label: `Transmis ${Number(r.year) - 1}` }
    : { key: 'sameMonthLastYearForwarded', label: 'Transmis même mois N-1' };
  const volumeSeries = [
    { key: 'received', label: 'Reçus', colour: COLOURS.received },
    { key: 'forwarded', label: 'Transmis', colour: COLOURS.auto },
    { key: cmp.key, label: cmp.label, colour: COLOURS.previous },
  ];
  const volumes = (rows: Array<Record<string, unknown>>, label: (x: Record<string, unknown>) => string) =>
    rows.map((x) => ({ label: label(x), values: volumeSeries.map((s) => Number(x[s.key] ?? 0)) }));
  return [
    `<figure>${stackedBar('outcomes', 'Devenir des BUC reçus', [
      { key: 'forwardedAutomatically', label: 'Transmis automatiquement', colour: COLOURS.auto, value: r.cases.forwardedAutomatically },
      { key: 'forwardedAfterTriage', label: 'Transmis après tri', colour: COLOURS.manual, value: r.cases.forwardedAfterTriage },
      { key: 'returned', label: 'Renvoyés', colour: COLOURS.returned, value: r.cases.returned },
      { key: 'inTriage', label: 'En attente de tri', colour: COLOURS.triage, value: r.cases.inTriage },
    ], fmtCount)}<figcaption>Devenir des BUC reçus sur la période (situation au ${esc(fmtDate(r.asOf))})</figcaption></figure>`,
    `<figure>${barChart({ id: 'byBucType', title: 'BUC par type (15 premiers)', series: volumeSeries, rows: volumes(topN(r.byBucType, 15), (x) => String(x.bucType)), format: fmtCount })}<figcaption>BUC par type : reçus, transmis, et rappel ${esc(cmp.label.toLowerCase())} (15 premiers)</figcaption></figure>`,
    `<figure>${barChart({ id: 'bySenderCountry', title: 'BUC par pays expéditeur', series: volumeSeries, rows: volumes(topN(r.bySenderCountry, 15), (x) => String(x.country)), format: fmtCount })}<figcaption>BUC par pays expéditeur (15 premiers)</figcaption></figure>`,
    `<figure>${barChart({ id: 'bySector', title: 'BUC par secteur', series: volumeSeries, rows: volumes(r.bySector, (x) => String(x.sector)), format: fmtCount })}<figcaption>BUC par secteur</figcaption></figure>`,
    // Two scales: automatic forwards take seconds, manual ones days; on one axis the first would not show.
    `<figure>${(['automatic', 'manual'] as const).map((k) => barChart({
      id: k === 'automatic' ? 'timeToForwardAutomatic' : 'timeToForwardManual',
      title: k === 'automatic' ? 'Délai de transmission automatique' : 'Délai de transmission après tri',
      series: [{ key: 'medianSeconds', label: 'Médiane', colour: COLOURS.auto }, { key: 'p90Seconds', label: '90e centile', colour: COLOURS.manual }],
      rows: [{ label: `${k === 'automatic' ? 'Automatique' : 'Après tri'} (${fmtCount(r.timeToForward[k].count)} SED)`, values: [r.timeToForward[k].medianSeconds, r.timeToForward[k].p90Seconds] }],
      format: fmtDuration,
    })).join('')}<figcaption>Délai entre la remise légale (legalDeliveryAt) et la transmission à l’institution compétente</figcaption></figure>`,
    `<figure>${barChart({
      id: 'slaCompliance', title: 'Conformité SLA par version de politique',
      series: [{ key: 'compliance', label: 'Tickets résolus dans les délais', colour: COLOURS.ok }],
      rows: [
        ...h.complianceByPolicy.map((p) => ({ label: `Politique ${p.policyVersion}`, values: [p.compliance] })),
        { label: 'Toutes', values: [h.slaCompliance] },
      ],
      format: fmtPct, max: 1, ...(h.slaTarget !== null && { target: { value: h.slaTarget, label: `objectif ${fmtPct(h.slaTarget)}` } }),
    })}<figcaption>Part des tickets résolus dans les deux délais (première réponse et résolution)</figcaption></figure>`,
    `<figure>${barChart({
      id: 'slaTimes', title: 'Délais en heures ouvrées par priorité (médiane)',
      series: [{ key: 'firstResponse', label: 'Première réponse', colour: COLOURS.auto }, { key: 'resolution', label: 'Résolution', colour: COLOURS.manual }],
      rows: ['P1', 'P2', 'P3', 'P4'].map((p) => ({
        label: p,
        values: [h.firstResponse.byPriority.find((x) => x.priority === p)?.medianBusinessHours ?? null, h.resolution.byPriority.find((x) => x.priority === p)?.medianBusinessHours ?? null],
      })).filter((row) => row.values.some((v) => v !== null)),
      format: fmtHours,
    })}<figcaption>Médiane des délais en heures ouvrées (lundi–vendredi 9 h–17 h, jours fériés exclus), par priorité à l’ouverture</figcaption></figure>`,
    `<figure>${barChart({
      id: 'waiting', title: 'Temps d’attente par partie',
      series: [{ key: 'hours', label: 'Heures ouvrées', colour: COLOURS.manual }],
      rows: [
        { label: 'Pays partenaire', values: [h.waiting.counterpartBusinessHours] },
        { label: 'Institution française', values: [h.waiting.institutionBusinessHours] },
        { label: 'Service d’assistance', values: [h.waiting.deskBusinessHours] },
      ],
      format: fmtHours,
    })}<figcaption>Temps passé par les tickets résolus à attendre chaque partie</figcaption></figure>`,
  ];
}

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 720px; padding: 16px; font-size: 10.5pt; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 2px; color: #1f4e79; } h2 { font-size: 13pt; margin: 22px 0 8px; border-bottom: 2px solid #1f4e79; padding-bottom: 2px; }
h3 { font-size: 10.5pt; margin: 14px 0 4px; } .meta { color: #555; font-size: 9pt; margin: 0 0 10px; }
.provisional { background: #fff4ce; border: 1px solid #e0a800; padding: 6px 10px; margin: 8px 0; font-size: 9.5pt; }
.tiles { display: flex; gap: 8px; flex-wrap: wrap; margin: 10px 0 4px; }
.tile { flex: 1 1 120px; border: 1px solid #c9d3df; border-radius: 4px; padding: 8px; background: #f5f8fb; }
.tile.ok { border-color: #2e7d32; background: #eef7ee; } .tile.late { border-color: #c62828; background: #fdeeee; }
.tile-value { font-size: 16pt; font-weight: 700; } .tile-label { font-size: 9pt; color: #333; } .tile-note { font-size: 8.5pt; color: #666; }
figure { margin: 12px 0; break-inside: avoid; } figcaption { font-size: 8.5pt; color: #555; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg .label, svg .value, svg .legend, svg .target-label { font: 9px system-ui, "DejaVu Sans", Arial, sans-serif; fill: #222; }
svg .inbar { font: bold 9px system-ui, "DejaVu Sans", Arial, sans-serif; fill: #fff; }
svg .target { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 4 2; } svg .target-label { fill: #c62828; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; } th, td { border-bottom: 1px solid #dde3ea; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; } td.empty { color: #595959; }
thead { display: table-header-group; } tr { break-inside: avoid; } section.table { break-inside: auto; }
footer { margin-top: 20px; font-size: 8pt; color: #666; border-top: 1px solid #ccc; padding-top: 4px; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } }
`;

export function reportHtml(r: Report): string {
  const period = r.kind === 'monthly'
    ? DateTime.fromISO(`${r.month}-01`, { zone: REPORT_ZONE }).setLocale('fr').toFormat('LLLL yyyy')
    : r.year!;
  const title = r.kind === 'monthly' ? `Rapport mensuel d’activité — ${period}` : `Rapport annuel d’activité — ${period}`;
  const tables = reportTables(r);
  const figures = charts(r);
  const caseTables = tables.filter((t) => ['flows', 'quarantine', 'triage', 'byBucType', 'bySenderCountry', 'bySector', 'byInstitution', 'bouncesByInstitution', 'bouncesByRule'].includes(t.id));
  const deskTables = tables.filter((t) => ['ticketsByCountry', 'slaTimes', 'slaCompliance', 'waiting', 'breaches'].includes(t.id));
  const rest = tables.filter((t) => !caseTables.includes(t) && !deskTables.includes(t));
  return `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — organisme de liaison EESSI (CLEISS)</title><style>${STYLE}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<p class="meta">Organisme de liaison français EESSI (CLEISS) — pour la Commission technique EESSI. Version ${r.version}${r.previousVersion ? ` (remplace la version ${r.previousVersion} : ${r.changes.length} indicateur(s) modifié(s))` : ''}, générée le ${esc(fmtDate(r.generatedAt))} (${r.trigger === 'scheduled' ? 'production planifiée' : `à la demande de ${esc(r.generatedBy)}`}). Période : ${esc(fmtDate(r.period.from))} – ${esc(fmtDate(r.period.to))} (heure de Paris).</p>
${r.provisional ? '<p class="provisional">Rapport provisoire : la période n’est pas terminée, les chiffres évolueront.</p>' : ''}
</header>
<main>
${tiles(r)}
<h2>Redistribution des BUC</h2>
${figures.slice(0, 5).join('\n')}
${caseTables.map(table).join('\n')}
<h2>Assistance de niveau 2 et SLA pays à pays</h2>
${figures.slice(5).join('\n')}
${deskTables.map(table).join('\n')}
<h2>Référentiels et versions</h2>
${rest.map(table).join('\n')}
</main>
<footer>Un BUC est compté dans le mois de sa première remise légale (legalDeliveryAt, heure de Paris). Délais SLA en heures ouvrées du calendrier de la politique en vigueur au début de chaque ticket. Document généré automatiquement à partir des données du service ; il ne contient aucune donnée personnelle.</footer>
</body></html>
`;
}
