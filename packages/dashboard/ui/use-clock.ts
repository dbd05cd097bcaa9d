// The current time, ticking, for "5 min ago" labels that age while the page is open.

import { useEffect, useState } from 'preact/hooks';

export function useClock(everyMs = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
