// The app: sign-in when there is no session, else the signed-in shell (header, navigation, the
// page of the current hash route) around one live stream shared by every page.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../src/api-error.js';
import type { Session } from '../src/api-types.js';
import type { Route } from '../src/hash-route.js';
import { api, whenSignedOut } from './api.js';
import { AppContext } from './app-context.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { ErrorNote, Loading } from './components/status-views.js';
import { LiveStream } from './live-stream.js';
import { ApprovalsPage } from './pages/approvals-page.js';
import { CurriculumPage } from './pages/curriculum-page.js';
import { DeploymentsPage } from './pages/deployments-page.js';
import { LivePage } from './pages/live-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { PatternPage } from './pages/pattern-page.js';
import { PatternsPage } from './pages/patterns-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { useHashRoute } from './use-hash-route.js';
import { useLiveStatus } from './use-live.js';

export function App() {
  // undefined: not known yet; null: signed out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const check = () => {
    setError(undefined);
    api.get<Session>('/v1/session').then(setSession, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setSession(null);
      else setError(e);
    });
  };
  useEffect(() => {
    whenSignedOut(() => setSession(null));
    check();
  }, []);

  if (error !== undefined) {
    return (
      <main class="sign-in">
        <ErrorNote error={error} onRetry={check} />
      </main>
    );
  }
  if (session === undefined) return <Loading what="your session" />;
  if (session === null) return <SignInPage onSignedIn={setSession} />;
  return <SignedIn session={session} onSignedOut={() => setSession(null)} />;
}

const NAV: { page: Route['page']; href: string; label: string }[] = [
  { page: 'overview', href: '#/', label: 'Overview' },
  { page: 'curriculum', href: '#/curriculum', label: 'Curriculum' },
  { page: 'patterns', href: '#/patterns', label: 'Patterns' },
  { page: 'approvals', href: '#/approvals', label: 'Approvals' },
  { page: 'deployments', href: '#/deployments', label: 'Deployments' },
  { page: 'live', href: '#/live', label: 'Live feed' },
];

const STATUS_TEXT = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

function SignedIn({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const live = useMemo(() => new LiveStream(), []);
  const status = useLiveStatus(live);
  const route = useHashRoute();
  const isAdmin = session.scopes.includes('admin');
  const [signOutError, setSignOutError] = useState<unknown>(undefined);

  useEffect(() => {
    // A stream refused for good is most often a session that ended: find out, and sign in again if so.
    live.onClosed = () => {
      api.get<Session>('/v1/session').catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) onSignedOut();
      });
    };
    live.start();
    return () => live.stop();
  }, [live]);

  const signOut = async () => {
    try {
      await api.delete('/v1/session');
      onSignedOut();
    } catch (e) {
      setSignOutError(e);
    }
  };

  const current = route.page === 'pattern' ? 'patterns' : route.page;
  return (
    <AppContext.Provider value={{ session, live, isAdmin }}>
      <header class="top">
        <div class="top-row">
          <a class="brand" href="#/">
            <span class="brand-mark" aria-hidden="true" />
            Arc
          </a>
          <span class="project" title="Project">
            {session.project.name}
          </span>
          <span class={`live-pill live-${status}`} data-testid="live-status" role="status">
            <span class="dot" aria-hidden="true" />
            {STATUS_TEXT[status]}
          </span>
          <span class="who">
            <span class="who-key" title={`Key ${session.key.prefix}…`}>
              {session.key.name}
            </span>
            <span class={`badge ${isAdmin ? 'badge-info' : 'badge-neutral'}`}>
              {isAdmin ? 'admin' : 'read-only'}
            </span>
          </span>
          <button type="button" class="button button-small" onClick={signOut}>
            Sign out
          </button>
        </div>
        <nav class="nav" aria-label="Pages">
          {NAV.map((item) => (
            <a
              key={item.page}
              href={item.href}
              class={item.page === current ? 'active' : undefined}
              aria-current={item.page === current ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
      </header>
      <main class="page">
        {signOutError !== undefined && <ErrorNote error={signOutError} />}
        {/* Another page starts without the last one's error; new filters keep the page as it is. */}
        <ErrorBoundary key={route.page === 'pattern' ? `pattern:${route.id}` : route.page}>
          <Page route={route} />
        </ErrorBoundary>
      </main>
    </AppContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'curriculum':
      return <CurriculumPage />;
    case 'patterns':
      return <PatternsPage filters={route.filters} />;
    case 'pattern':
      return <PatternPage id={route.id} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'deployments':
      return <DeploymentsPage />;
    case 'live':
      return <LivePage />;
    case 'not-found':
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no page at <code>#/{route.path}</code>. <a href="#/">Go to the overview.</a>
          </p>
        </section>
      );
  }
}
