import { Link } from '@tanstack/react-router';

export function NotFound() {
  return (
    <main className="screen" id="main">
      <h1>Nothing here</h1>
      <p>
        This address shows no screen. <Link to="/">Go to the home page</Link>.
      </p>
    </main>
  );
}
