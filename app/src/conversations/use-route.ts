import { useCallback, useEffect, useState } from 'react';
import { parseRoute, routePath, sameRoute, type Route } from './route.js';

export interface RouteApi {
  route: Route;
  /** Opens a conversation: a new history entry (Back returns), or replaces the current one. */
  go: (route: Route, options?: { replace?: boolean }) => void;
}

/**
 * The open conversation lives in the address (History API): reload, Back and Forward work, and
 * a link can be shared. A few lines of pushState/popstate; a router library would add more to
 * the bundle than this whole module.
 */
export function useRoute(): RouteApi {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.pathname));

  useEffect(() => {
    const onPopState = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const go = useCallback((next: Route, options: { replace?: boolean } = {}) => {
    const path = routePath(next);
    if (window.location.pathname !== path) {
      if (options.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    setRoute((current) => (sameRoute(current, next) ? current : next));
  }, []);

  return { route, go };
}
