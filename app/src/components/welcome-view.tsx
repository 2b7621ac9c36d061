import { SIGN_IN_PROVIDERS, signInUrl } from '../api/auth.js';

function currentPath(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}

export function WelcomeView({ notice }: { notice?: string }) {
  const returnTo = currentPath();
  return (
    <main className="welcome">
      <h1 className="welcome__title">Chat</h1>
      <p className="welcome__lead">
        Talk in the public room or send someone a private message. Sign in to join.
      </p>
      {notice ? (
        <p className="welcome__notice" role="alert">
          {notice}
        </p>
      ) : null}
      <ul className="welcome__providers">
        {SIGN_IN_PROVIDERS.map(({ provider, label }) => (
          <li key={provider}>
            <a className={`button button--${provider}`} href={signInUrl(provider, returnTo)}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}
