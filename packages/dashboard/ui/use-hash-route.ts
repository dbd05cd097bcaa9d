// The route in the address bar's hash, followed as it changes.

import { useEffect, useState } from 'preact/hooks';
import { parseHash, type Route } from '../src/hash-route.js';

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const follow = () => {
      setRoute(parseHash(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
