import type { BindingInfo, RegisteredFunction } from './protocol.js';
import { comparePrecedence, compileRouteTemplate, type CompiledRoute } from './route-template.js';

export interface HttpFunction {
  name: string;
  route: CompiledRoute;
  /** Upper-case methods the trigger accepts. */
  methods: string[];
  authLevel: string;
}

export type Resolution =
  | { kind: 'match'; fn: HttpFunction; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export function httpTriggerOf(fn: RegisteredFunction): BindingInfo | undefined {
  return fn.bindings.find((binding) => binding.type.toLowerCase() === 'httptrigger');
}

/** The HTTP-triggered functions of an app, with their compiled routes, ready to resolve request paths. */
export class RouteTable {
  readonly functions: HttpFunction[] = [];

  constructor(
    readonly routePrefix: string,
    registered: RegisteredFunction[],
    onInvalid: (name: string, reason: string) => void,
  ) {
    for (const fn of registered) {
      const trigger = httpTriggerOf(fn);
      if (!trigger) continue;
      try {
        this.functions.push({
          name: fn.name,
          route: compileRouteTemplate(typeof trigger.route === 'string' ? trigger.route : fn.name),
          methods: (Array.isArray(trigger.methods) && trigger.methods.length > 0
            ? trigger.methods
            : ['GET', 'POST']
          ).map((method) => String(method).toUpperCase()),
          authLevel: String(trigger.authLevel ?? 'anonymous').toLowerCase(),
        });
      } catch (error) {
        onInvalid(fn.name, (error as Error).message);
      }
    }
    this.functions.sort((a, b) => comparePrecedence(a.route, b.route));
  }

  /** The public path of a function's route, e.g. "/api/items/{id?}". */
  publicPath(fn: HttpFunction): string {
    return `/${[this.routePrefix, fn.route.template].filter((part) => part !== '').join('/')}`;
  }

  resolve(method: string, path: string): Resolution {
    const rest = this.stripPrefix(path);
    if (rest === undefined) return { kind: 'not-found' };
    const allow = new Set<string>();
    for (const fn of this.functions) {
      const params = fn.route.match(rest);
      if (!params) continue;
      if (fn.methods.includes(method)) return { kind: 'match', fn, params };
      for (const allowed of fn.methods) allow.add(allowed);
    }
    return allow.size > 0
      ? { kind: 'method-not-allowed', allow: [...allow] }
      : { kind: 'not-found' };
  }

  private stripPrefix(path: string): string | undefined {
    if (this.routePrefix === '') return path;
    const prefix = `/${this.routePrefix}`;
    if (path.toLowerCase() === prefix.toLowerCase()) return '';
    if (path.toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) return path.slice(prefix.length);
    return undefined;
  }
}
