/**
 * Upstream URL templates as the service configures them: an ordered list of items, each a URL
 * with `{hub}`, `{category}` and `{event}` placeholders and three patterns. The first item whose
 * patterns all match an event is the one used; an event no item matches is not sent.
 */

export interface UpstreamTemplate {
  /** e.g. `http://127.0.0.1:7071/api/signalr/{hub}/{category}/{event}` */
  urlTemplate: string;
  /** `*` (default), a name, or a comma list of names; matched case-insensitively. */
  hubPattern?: string;
  /** `*` (default), `connections`, `messages` or a comma list. */
  categoryPattern?: string;
  /** `*` (default), an event (`connected`, `disconnected`, an invocation target) or a comma list. */
  eventPattern?: string;
}

export type UpstreamCategory = 'connections' | 'messages';

export interface UpstreamEventName {
  hub: string;
  category: UpstreamCategory;
  event: string;
}

/** A name set from a pattern; `undefined` matches everything. */
type NameSet = ReadonlySet<string> | undefined;

export interface CompiledTemplate {
  readonly urlTemplate: string;
  readonly hubs: NameSet;
  readonly categories: NameSet;
  readonly events: NameSet;
}

const PLACEHOLDER = /\{(hub|category|event)\}/g;

function compilePattern(field: string, pattern: string | undefined): NameSet {
  if (pattern === undefined) return undefined;
  if (typeof pattern !== 'string') throw new TypeError(`${field} must be a string`);
  const names = pattern
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.length === 0) throw new RangeError(`${field} must not be empty (use "*" for any)`);
  return names.includes('*') ? undefined : new Set(names);
}

/** Checks one template and prepares its patterns; throws with the reason for a bad one. */
export function compileTemplate(template: UpstreamTemplate, index = 0): CompiledTemplate {
  const where = `upstream template ${index + 1}`;
  if (typeof template !== 'object' || template === null) {
    throw new TypeError(`${where} must be an object with a urlTemplate`);
  }
  const { urlTemplate } = template;
  if (typeof urlTemplate !== 'string' || urlTemplate.trim() === '') {
    throw new TypeError(`${where}: urlTemplate must be a non-empty string`);
  }
  let url: URL;
  try {
    url = new URL(urlTemplate.replace(PLACEHOLDER, 'x'));
  } catch {
    throw new RangeError(`${where}: urlTemplate is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`${where}: urlTemplate must be an http or https URL`);
  }
  return {
    urlTemplate: urlTemplate.trim(),
    hubs: compilePattern(`${where}: hubPattern`, template.hubPattern),
    categories: compilePattern(`${where}: categoryPattern`, template.categoryPattern),
    events: compilePattern(`${where}: eventPattern`, template.eventPattern),
  };
}

export function compileTemplates(templates: readonly UpstreamTemplate[]): CompiledTemplate[] {
  if (!Array.isArray(templates)) throw new TypeError('upstream must be an array of templates');
  return templates.map((template, index) => compileTemplate(template, index));
}

const matches = (names: NameSet, value: string) =>
  names === undefined || names.has(value.toLowerCase());

/** The URL of the first template matching the event, placeholders filled in; else undefined. */
export function upstreamUrlFor(
  templates: readonly CompiledTemplate[],
  name: UpstreamEventName,
): string | undefined {
  const template = templates.find(
    (candidate) =>
      matches(candidate.hubs, name.hub) &&
      matches(candidate.categories, name.category) &&
      matches(candidate.events, name.event),
  );
  if (!template) return undefined;
  // Escaped like a URI data string, so a target such as "a/b?c" stays one path segment.
  return template.urlTemplate.replace(PLACEHOLDER, (_, key: keyof UpstreamEventName) =>
    encodeURIComponent(name[key]),
  );
}
