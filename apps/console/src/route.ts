import { useEffect, useState } from 'preact/hooks';

/** The console's pages, in the URL's hash (`#/bans`, `#/story/<subject>`): the server serves one file. */
export type Route = { page: 'live' } | { page: 'bans' } | { page: 'audit' } | { page: 'story'; subject: string };

export function parseRoute(hash: string): Route {
  const [, page = '', rest = ''] = /^#\/([a-z]*)\/?(.*)$/.exec(hash) ?? [];
  if (page === 'story' && rest !== '') return { page: 'story', subject: decodeURIComponent(rest) };
  if (page === 'bans' || page === 'audit') return { page };
  return { page: 'live' };
}

export const storyHref = (subject: string) => `#/story/${encodeURIComponent(subject)}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
