/**
 * The RINA badge of the top bar (operators, admins): whether RINA's CPI answers, and what waits on it — events not
 * taken in yet, X007s waiting or failed — from GET /api/rina/status, asked every 30 s. Without RINA (RINA_URL not
 * set: the endpoint is absent) the badge is not shown.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { useSession } from '../session';
import { Badge, type Tone } from './badge';

type RinaStatus = Schemas['RinaStatus'];
const EVERY_MS = 30_000;

function summary(s: RinaStatus) {
  const x = s.x007 ?? {};
  const x007Waiting = (x.pending ?? 0) + (x.created ?? 0);
  const x007Failed = x.failed ?? 0;
  const tone: Tone = !s.cpi.reachable || x007Failed > 0 || s.events.failed > 0 ? 'danger' : s.events.late || s.events.waiting > 0 || x007Waiting > 0 ? 'warn' : 'ok';
  return { tone, events: s.events.waiting, x007Waiting, x007Failed };
}

export function RinaBadge() {
  const { t } = useI18n();
  const { has } = useSession();
  const allowed = has('operator') || has('admin');
  const [status, setStatus] = useState<RinaStatus | null>(null);
  useEffect(() => {
    if (!allowed) return undefined;
    let stopped = false;
    let timer: number | undefined;
    const ask = async () => {
      const { data, response } = await api.GET('/api/rina/status').catch(() => ({ data: undefined, response: undefined }));
      if (stopped) return;
      if (response?.status === 404) return setStatus(null); // no RINA here: no badge, no more asking
      if (data) setStatus(data);
      timer = window.setTimeout(() => void ask(), EVERY_MS);
    };
    void ask();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [allowed]);
  if (!status) return null;
  const s = summary(status);
  const detail = t('rina.badge.detail', { events: String(s.events), x007Waiting: String(s.x007Waiting), x007Failed: String(s.x007Failed) });
  const title = `${status.cpi.reachable ? t('rina.badge.ok') : t('rina.badge.down')} · ${detail}`;
  return (
    <Link to="/overview" class="rina-badge" data-rina={s.tone} aria-label={`${t('rina.badge')} : ${title}`}>
      <Badge tone={s.tone} title={title}>{t('rina.badge')}{s.tone !== 'ok' && ` ${s.events + s.x007Waiting + s.x007Failed || '!'}`}</Badge>
    </Link>
  );
}
