// How numbers and times read on the dashboard.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** 0.4567 → "45.7%" (digits after the point, default 1). */
export function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** A difference of rates in percentage points, signed: 0.123 → "+12.3 pp". */
export function points(difference: number, digits = 1): string {
  const value = (difference * 100).toFixed(digits);
  // -0.0 reads as no change, not as a loss.
  if (Number(value) === 0) return `±${(0).toFixed(digits)} pp`;
  return `${difference > 0 ? '+' : '−'}${value.replace('-', '')} pp`;
}

/** Counts: 950 → "950", 12_345 → "12.3k", 4_500_000 → "4.5M". */
export function count(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1_000) return Number.isInteger(value) ? String(value) : value.toFixed(1);
  if (abs < 1_000_000) return `${(value / 1_000).toFixed(abs < 10_000 ? 2 : 1).replace(/\.?0+$/, '')}k`;
  return `${(value / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** A length of time, coarse: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function duration(ms: number): string {
  if (ms < MINUTE) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.round((ms - h * HOUR) / MINUTE);
    return m === 0 || m === 60 ? `${h + (m === 60 ? 1 : 0)} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.round((ms - d * DAY) / HOUR);
  return h === 0 || h === 24 ? `${d + (h === 24 ? 1 : 0)} d` : `${d} d ${h} h`;
}

/** How long ago an ISO time was, from `now`: "just now", "5 min ago", "3 h ago". */
export function ago(iso: string, now: number): string {
  const elapsed = now - Date.parse(iso);
  if (elapsed < 10_000) return 'just now';
  return `${duration(elapsed)} ago`;
}

/** The first characters of an id, enough to tell ids apart on screen. */
export function shortId(id: string, length = 8): string {
  return id.length <= length ? id : `${id.slice(0, length)}…`;
}

/** Category or status identifiers as words: "rate_limit" → "rate limit". */
export function words(identifier: string): string {
  return identifier.replaceAll('_', ' ');
}
