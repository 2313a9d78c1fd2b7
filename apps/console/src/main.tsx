import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { whenUnauthorized } from './api.js';
import { useRoute } from './route.js';
import { session } from './session.js';
import './styles.css';
import { AuditPage } from './views/audit-page.js';
import { BansPage } from './views/bans-page.js';
import { LivePage } from './views/live-page.js';
import { SignIn } from './views/sign-in.js';
import { StoryPage } from './views/story-page.js';

function Console() {
  const [signedIn, setSignedIn] = useState(session.key() !== null);
  const route = useRoute();
  useEffect(() => {
    whenUnauthorized(() => {
      session.signOut();
      setSignedIn(false);
    });
  }, []);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const tab = route.page === 'story' ? 'bans' : route.page;
  return (
    <>
      <header class="top">
        <strong class="brand">Warden</strong>
        <nav>
          {(['live', 'bans', 'audit'] as const).map((page) => (
            <a href={`#/${page}`} class={tab === page ? 'current' : ''} data-testid={`nav-${page}`}>
              {page[0]!.toUpperCase() + page.slice(1)}
            </a>
          ))}
        </nav>
        <button
          class="quiet"
          onClick={() => {
            session.signOut();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {route.page === 'live' && <LivePage />}
        {route.page === 'bans' && <BansPage />}
        {route.page === 'story' && <StoryPage subject={route.subject} />}
        {route.page === 'audit' && <AuditPage />}
      </main>
    </>
  );
}

render(<Console />, document.getElementById('app')!);
