import { readdirSync } from 'node:fs';
import path from 'node:path';

// `package.json` `main` of a Functions app may be a glob ("dist/src/functions/*.js"). Node 20 has no
// stable fs.glob, and the few patterns the Functions worker accepts (`*`, `**`, `?`, `{a,b}`) fit in a
// small converter, so no dependency is taken for it.

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        const followedBySlash = pattern[i + 2] === '/';
        source += followedBySlash ? '(?:[^/]*/)*' : '.*';
        i += followedBySlash ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      const end = pattern.indexOf('}', i);
      if (end === -1) {
        source += '\\{';
      } else {
        const options = pattern
          .slice(i + 1, end)
          .split(',')
          .map(escapeRegExp);
        source += `(?:${options.join('|')})`;
        i = end;
      }
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The folder part of a pattern before its first wildcard ("dist/src/functions" for "dist/src/functions/*.js"). */
export function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?{]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}

/** Files under `root` matching `pattern` (forward slashes, relative to root), sorted, node_modules skipped. */
export function findFiles(root: string, pattern: string): string[] {
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!/[*?{]/.test(normalized)) return [path.resolve(root, normalized)];
  const matcher = globToRegExp(normalized);
  const base = staticPrefix(normalized);
  const found: string[] = [];
  const walk = (relativeDir: string): void => {
    let entries;
    try {
      entries = readdirSync(path.join(root, relativeDir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(relative);
      } else if (matcher.test(relative)) {
        found.push(path.join(root, relative));
      }
    }
  };
  walk(base);
  return found.sort();
}
