// Evaluates ARM template expressions ("[concat(...)]") offline, so the template checks can look at
// the values Azure would compute (names, URLs, app settings) instead of at the expression text.
// Hand-written: no npm package evaluates ARM expressions (Microsoft's evaluator lives in the
// Azure Resource Manager service and in the Bicep compiler, neither usable here). It knows only the
// functions the template uses and refuses any other, so the template cannot outgrow it silently.
// Where Azure supplies a value (reference(), listKeys(), uniqueString()), the caller gives one.
import { createHash } from 'node:crypto';

export interface ArmEnvironment {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  resourceGroup: { id: string; name: string; location: string };
  /** What `reference(resourceId)` returns for a resource: its runtime properties. */
  reference: (resourceId: string) => unknown;
  /** What `listKeys(resourceId, apiVersion)` returns. */
  listKeys: (resourceId: string, apiVersion: string) => unknown;
  /** Called for each resource id that reference() or listKeys() reads. */
  onRead?: (resourceId: string, how: 'reference' | 'listKeys') => void;
}

export class ArmExpressionError extends Error {
  override name = 'ArmExpressionError';
}

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'punct'; value: '(' | ')' | ',' | '.' | '[' | ']' };

type Node =
  | { kind: 'literal'; value: string | number }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at] ?? '';
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "'") {
      let value = '';
      at += 1;
      for (;;) {
        if (at >= source.length) throw new ArmExpressionError(`Unclosed string in ${source}`);
        if (source[at] === "'") {
          if (source[at + 1] === "'") {
            value += "'";
            at += 2;
            continue;
          }
          at += 1;
          break;
        }
        value += source[at];
        at += 1;
      }
      tokens.push({ kind: 'string', value });
    } else if (/[0-9-]/.test(char)) {
      const match = /^-?[0-9]+/.exec(source.slice(at));
      if (!match) throw new ArmExpressionError(`Unexpected "${char}" in ${source}`);
      tokens.push({ kind: 'number', value: Number(match[0]) });
      at += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at)) ?? [''];
      tokens.push({ kind: 'name', value: match[0] });
      at += match[0].length;
    } else if ('(),.[]'.includes(char)) {
      tokens.push({ kind: 'punct', value: char as '(' });
      at += 1;
    } else {
      throw new ArmExpressionError(`Unexpected "${char}" in ${source}`);
    }
  }
  return tokens;
}

function parse(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const expect = (value: string): void => {
    const token = tokens[at];
    if (token?.kind !== 'punct' || token.value !== value) {
      throw new ArmExpressionError(`Expected "${value}" in ${source}`);
    }
    at += 1;
  };

  const expression = (): Node => {
    const token = tokens[at];
    at += 1;
    let node: Node;
    if (token?.kind === 'string' || token?.kind === 'number') {
      node = { kind: 'literal', value: token.value };
    } else if (token?.kind === 'name') {
      expect('(');
      const args: Node[] = [];
      while (!(peek()?.kind === 'punct' && peek()?.value === ')')) {
        if (args.length > 0) expect(',');
        args.push(expression());
      }
      expect(')');
      node = { kind: 'call', name: token.value.toLowerCase(), args };
    } else {
      throw new ArmExpressionError(`Expected a value or a function call in ${source}`);
    }
    for (;;) {
      const next = peek();
      if (next?.kind === 'punct' && next.value === '.') {
        at += 1;
        const name = tokens[at];
        if (name?.kind !== 'name') throw new ArmExpressionError(`Expected a property in ${source}`);
        at += 1;
        node = { kind: 'property', target: node, name: name.value };
      } else if (next?.kind === 'punct' && next.value === '[') {
        at += 1;
        const index = expression();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  };

  const root = expression();
  if (at !== tokens.length) throw new ArmExpressionError(`Unexpected text after ${source}`);
  return root;
}

/** ARM's uniqueString is a 13-character base-32 hash; this stand-in has the same shape. */
function uniqueString(parts: string[]): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const digest = createHash('sha256').update(parts.join('-')).digest();
  return Array.from(digest.subarray(0, 13), (byte) => alphabet[byte % 32]).join('');
}

function text(value: unknown, fn: string): string {
  if (typeof value !== 'string') throw new ArmExpressionError(`${fn}() expects a string`);
  return value;
}

/** `resourceId('Microsoft.Web/staticSites/config', 'site', 'appsettings')` in this resource group. */
function resourceId(env: ArmEnvironment, type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (!namespace || types.length !== names.length) {
    throw new ArmExpressionError(`resourceId('${type}') needs one name per type segment`);
  }
  const path = types.map((segment, i) => `${segment}/${names[i]}`).join('/');
  return `${env.resourceGroup.id}/providers/${namespace}/${path}`;
}

function call(name: string, args: unknown[], env: ArmEnvironment, evaluateIn: Evaluate): unknown {
  switch (name) {
    case 'parameters': {
      const key = text(args[0], name);
      if (!(key in env.parameters)) throw new ArmExpressionError(`No parameter "${key}"`);
      return env.parameters[key];
    }
    case 'variables': {
      const key = text(args[0], name);
      if (!(key in env.variables)) throw new ArmExpressionError(`No variable "${key}"`);
      return evaluateIn(env.variables[key]);
    }
    case 'concat':
      if (args.every(Array.isArray)) return args.flat();
      return args.map((arg) => text(arg, name)).join('');
    case 'createarray':
      return args;
    case 'tolower':
      return text(args[0], name).toLowerCase();
    case 'replace':
      return text(args[0], name).split(text(args[1], name)).join(text(args[2], name));
    case 'take': {
      const count = args[1];
      if (typeof count !== 'number') throw new ArmExpressionError('take() expects a count');
      return text(args[0], name).slice(0, Math.max(0, count));
    }
    case 'string':
      return typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    case 'uniquestring':
      return uniqueString(args.map((arg) => text(arg, name)));
    case 'resourcegroup':
      return env.resourceGroup;
    case 'environment':
      // The public cloud's values, as `environment()` returns them there.
      return { name: 'AzureCloud', suffixes: { storage: 'core.windows.net' } };
    case 'resourceid':
      return resourceId(
        env,
        text(args[0], name),
        args.slice(1).map((arg) => text(arg, name)),
      );
    case 'reference': {
      const id = text(args[0], name);
      env.onRead?.(id, 'reference');
      return env.reference(id);
    }
    case 'listkeys': {
      const id = text(args[0], name);
      env.onRead?.(id, 'listKeys');
      return env.listKeys(id, text(args[1], name));
    }
    default:
      throw new ArmExpressionError(`The offline evaluator does not know ${name}()`);
  }
}

type Evaluate = (value: unknown) => unknown;

function evaluateNode(node: Node, env: ArmEnvironment, evaluateIn: Evaluate): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluateNode(arg, env, evaluateIn)),
        env,
        evaluateIn,
      );
    case 'property': {
      const target = evaluateNode(node.target, env, evaluateIn);
      if (typeof target !== 'object' || target === null || !(node.name in target)) {
        throw new ArmExpressionError(`No property "${node.name}"`);
      }
      return (target as Record<string, unknown>)[node.name];
    }
    case 'index': {
      const target = evaluateNode(node.target, env, evaluateIn);
      const index = evaluateNode(node.index, env, evaluateIn);
      const value =
        typeof target === 'object' && target !== null
          ? (target as Record<string, unknown>)[String(index)]
          : undefined;
      if (value === undefined) throw new ArmExpressionError(`No element [${String(index)}]`);
      return value;
    }
  }
}

/** True for a string ARM reads as an expression: "[...]", but not "[[...", which is literal. */
export function isExpression(value: string): boolean {
  return value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

/** Evaluates every expression in a template value (strings, arrays, objects), as ARM does. */
export function evaluate(value: unknown, env: ArmEnvironment): unknown {
  const evaluateIn: Evaluate = (inner) => evaluate(inner, env);
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (!isExpression(value)) return value;
    return evaluateNode(parse(value.slice(1, -1)), env, evaluateIn);
  }
  if (Array.isArray(value)) return value.map(evaluateIn);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, evaluateIn(inner)]),
    );
  }
  return value;
}

/**
 * The names of the functions a template value calls, lower-case (e.g. to find list* calls),
 * following `variables('name')` into the template's variables.
 */
export function functionsCalled(
  value: unknown,
  variables: Record<string, unknown> = {},
): Set<string> {
  const found = new Set<string>();
  const followed = new Set<string>();
  const visit = (node: Node): void => {
    if (node.kind === 'call') {
      found.add(node.name);
      node.args.forEach(visit);
      const [name] = node.args;
      if (
        node.name === 'variables' &&
        name?.kind === 'literal' &&
        !followed.has(String(name.value))
      ) {
        followed.add(String(name.value));
        walk(variables[String(name.value)]);
      }
    } else if (node.kind === 'property') visit(node.target);
    else if (node.kind === 'index') {
      visit(node.target);
      visit(node.index);
    }
  };
  const walk = (inner: unknown): void => {
    if (typeof inner === 'string' && isExpression(inner)) visit(parse(inner.slice(1, -1)));
    else if (Array.isArray(inner)) inner.forEach(walk);
    else if (typeof inner === 'object' && inner !== null) Object.values(inner).forEach(walk);
  };
  walk(value);
  return found;
}
