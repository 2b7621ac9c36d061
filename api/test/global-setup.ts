// The local Functions host serves the built app (package.json `main` = dist/...), as `func start`
// does, so the integration tests need a fresh build before any of them starts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildApi(): void {
  const apiDir = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: apiDir, stdio: 'inherit' });
}
