// What every page may read: who is signed in, and the live stream.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from '../src/api-types.js';
import type { LiveStream } from './live-stream.js';

export interface AppContextValue {
  session: Session;
  live: LiveStream;
  /** Admin actions are offered only to admin keys; the server refuses them to others anyway. */
  isAdmin: boolean;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useApp outside the signed-in app');
  return value;
}
