// Live feed: what happens in the project, as the server's stream reports it.

import { FEED_LENGTH } from '../../src/feed-entry.js';
import { ago } from '../../src/format.js';
import { routeHref } from '../../src/hash-route.js';
import { useApp } from '../app-context.js';
import { Empty } from '../components/status-views.js';
import { useClock } from '../use-clock.js';
import { useFeed, useLiveStatus } from '../use-live.js';

export function LivePage() {
  const { live } = useApp();
  const feed = useFeed(FEED_LENGTH);
  const status = useLiveStatus(live);
  const now = useClock(5_000);
  return (
    <>
      <h1>Live feed</h1>
      <p class="lead muted">
        Failures arriving, new patterns, learning steps, learned fixes, approvals and deployments, as they
        happen
        {status === 'live'
          ? '.'
          : ` (the stream is ${status}; events missed meanwhile are replayed on reconnect).`}
      </p>
      <section class="card">
        {feed.length === 0 ? (
          <Empty title="Waiting for events">
            The feed starts when this page opens: it shows what happens from now on.
          </Empty>
        ) : (
          <ol class="rows feed" data-testid="feed">
            {feed.map((m) => {
              const s = m.summary;
              return (
                <li key={m.id} class={`row event event-${s.tone}`}>
                  <div class="row-main">
                    <b>{s.title}</b>
                    <div class="muted">{s.detail}</div>
                  </div>
                  <div class="row-side">
                    {s.patternId && <a href={routeHref({ page: 'pattern', id: s.patternId })}>pattern</a>}
                    <span class="muted">{ago(new Date(m.receivedAt).toISOString(), now)}</span>
                    <span class="muted mono">#{m.id}</span>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </>
  );
}
