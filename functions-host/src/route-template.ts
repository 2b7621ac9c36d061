// ASP.NET Core route templates, the syntax the Functions host uses for `route`: literal segments,
// `{name}`, optional `{name?}`, defaults `{name=value}`, constraints `{id:int}`, `{x:minlength(2)}`,
// and a catch-all `{*rest}` as the last segment. Written by hand because no maintained npm package
// speaks this dialect (path-to-regexp uses `:name`), and the subset is small.

export class RouteTemplateError extends Error {}

interface Parameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: ((value: string) => boolean)[];
}

type Part = { literal: string } | { parameter: Parameter };

export interface CompiledRoute {
  template: string;
  /** Lower sorts first when two templates match the same path (literal before parameter, ...). */
  precedence: number[];
  match(path: string): Record<string, string> | undefined;
}

const INT32 = { min: -2147483648, max: 2147483647 };

function numberArgs(name: string, args: string): number[] {
  const values = args.split(',').map((arg) => Number(arg.trim()));
  if (values.some((value) => !Number.isFinite(value))) {
    throw new RouteTemplateError(`constraint ${name}(${args}) needs numeric arguments`);
  }
  return values;
}

function constraint(spec: string): (value: string) => boolean {
  const call = /^(\w+)(?:\((.*)\))?$/s.exec(spec);
  if (!call) throw new RouteTemplateError(`unknown route constraint "${spec}"`);
  const name = (call[1] as string).toLowerCase();
  const args = call[2] ?? '';
  const isNumber = (value: string): boolean =>
    value.trim() !== '' && Number.isFinite(Number(value));
  switch (name) {
    case 'int':
      return (value) =>
        /^-?\d+$/.test(value) && Number(value) >= INT32.min && Number(value) <= INT32.max;
    case 'long':
      return (value) =>
        /^-?\d+$/.test(value) && BigInt(value) >= -(2n ** 63n) && BigInt(value) < 2n ** 63n;
    case 'bool':
      return (value) => /^(true|false)$/i.test(value);
    case 'guid':
      return (value) =>
        /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(value);
    case 'alpha':
      return (value) => /^[a-z]+$/i.test(value);
    case 'double':
    case 'float':
    case 'decimal':
      return isNumber;
    case 'datetime':
      return (value) => !Number.isNaN(Date.parse(value));
    case 'required':
      return (value) => value !== '';
    case 'min': {
      const [min] = numberArgs(name, args) as [number];
      return (value) => /^-?\d+$/.test(value) && Number(value) >= min;
    }
    case 'max': {
      const [max] = numberArgs(name, args) as [number];
      return (value) => /^-?\d+$/.test(value) && Number(value) <= max;
    }
    case 'range': {
      const [min, max] = numberArgs(name, args) as [number, number];
      return (value) => /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
    }
    case 'minlength': {
      const [min] = numberArgs(name, args) as [number];
      return (value) => value.length >= min;
    }
    case 'maxlength': {
      const [max] = numberArgs(name, args) as [number];
      return (value) => value.length <= max;
    }
    case 'length': {
      const [first, second] = numberArgs(name, args) as [number, number | undefined];
      return second === undefined
        ? (value) => value.length === first
        : (value) => value.length >= first && value.length <= second;
    }
    case 'regex': {
      let pattern: RegExp;
      try {
        // Templates escape braces inside a regex by doubling them.
        pattern = new RegExp(args.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), 'i');
      } catch (error) {
        throw new RouteTemplateError(
          `invalid regex constraint "${args}": ${(error as Error).message}`,
        );
      }
      return (value) => pattern.test(value);
    }
    default:
      throw new RouteTemplateError(`unknown route constraint "${name}"`);
  }
}

/** Splits "id:int:min(1)" at colons that are not inside parentheses. */
function splitConstraints(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ':' && depth === 0) {
      pieces.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  pieces.push(current);
  return pieces;
}

function parseParameter(body: string, template: string): Parameter {
  let text = body.trim();
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  let defaultValue: string | undefined;
  const equals = text.indexOf('=');
  if (equals !== -1 && !text.slice(0, equals).includes('(')) {
    defaultValue = text.slice(equals + 1);
    text = text.slice(0, equals);
  }
  let optional = false;
  if (text.endsWith('?')) {
    optional = true;
    text = text.slice(0, -1);
  }
  const [name = '', ...specs] = splitConstraints(text);
  if (!/^[A-Za-z_][\w-]*$/.test(name)) {
    throw new RouteTemplateError(`route "${template}" has an invalid parameter name "{${body}}"`);
  }
  return {
    name,
    optional: optional || catchAll || defaultValue !== undefined,
    catchAll,
    defaultValue,
    constraints: specs.map(constraint),
  };
}

function parseSegment(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < segment.length) {
    const open = segment.indexOf('{', i);
    if (open === -1) {
      parts.push({ literal: segment.slice(i) });
      break;
    }
    if (open > i) parts.push({ literal: segment.slice(i, open) });
    let depth = 0;
    let close = -1;
    for (let j = open + 1; j < segment.length; j++) {
      if (segment[j] === '(') depth++;
      else if (segment[j] === ')') depth--;
      else if (segment[j] === '}' && depth === 0) {
        close = j;
        break;
      }
    }
    if (close === -1) throw new RouteTemplateError(`route "${template}" has an unclosed "{"`);
    parts.push({ parameter: parseParameter(segment.slice(open + 1, close), template) });
    i = close + 1;
  }
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function compileRouteTemplate(template: string): CompiledRoute {
  const trimmed = template.trim().replace(/^~?\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/');
  const parameters: Parameter[] = [];
  const precedence: number[] = [];
  let source = '';
  segments.forEach((segment, index) => {
    const parts = parseSegment(segment, template);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only && 'parameter' in only) {
      const parameter = only.parameter;
      if (parameter.catchAll && index !== segments.length - 1) {
        throw new RouteTemplateError(
          `route "${template}": a catch-all parameter must be the last segment`,
        );
      }
      parameters.push(parameter);
      const capture = parameter.catchAll ? '(.*)' : '([^/]+)';
      source += parameter.optional ? `(?:/${capture})?` : `/${capture}`;
      precedence.push(
        parameter.catchAll ? 5 : parameter.optional ? 4 : parameter.constraints.length > 0 ? 2 : 3,
      );
      return;
    }
    let segmentSource = '';
    for (const part of parts) {
      if ('literal' in part) {
        segmentSource += escapeRegExp(part.literal);
      } else {
        if (part.parameter.catchAll) {
          throw new RouteTemplateError(
            `route "${template}": a catch-all parameter needs its own segment`,
          );
        }
        parameters.push(part.parameter);
        segmentSource += '([^/]+)';
      }
    }
    source += `/${segmentSource}`;
    precedence.push(parts.length === 1 ? 1 : 2);
  });
  const seen = new Set<string>();
  for (const { name } of parameters) {
    if (seen.has(name.toLowerCase())) {
      throw new RouteTemplateError(`route "${template}" uses the parameter "${name}" twice`);
    }
    seen.add(name.toLowerCase());
  }
  const pattern = new RegExp(`^${source}/?$`, 'i');

  return {
    template: trimmed,
    precedence,
    match(path) {
      const found = pattern.exec(path === '/' ? '' : path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      for (const [index, parameter] of parameters.entries()) {
        const raw = found[index + 1];
        if (raw === undefined || raw === '') {
          if (!parameter.optional) return undefined;
          if (parameter.defaultValue !== undefined) params[parameter.name] = parameter.defaultValue;
          continue;
        }
        const value = decode(raw);
        if (!parameter.constraints.every((check) => check(value))) return undefined;
        params[parameter.name] = value;
      }
      return params;
    },
  };
}

/** Orders two compiled routes: more specific first. */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const left = a.precedence[i] ?? 0;
    const right = b.precedence[i] ?? 0;
    if (left !== right) return left - right;
  }
  return 0;
}
