// infra/azuredeploy.json, checked as far as it can be without Azure: against the official ARM
// schemas, and, "deployed" offline (./offline-deployment.ts), against the code it deploys: the
// settings the API reads, the route its upstream function registers, the hub it uses and the
// content security policy the site sends. Each check is also run on a broken copy, to show it fails.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import draft04 from 'ajv-draft-04';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../api/src/config.js';
import { getPresenceServices } from '../../api/src/presence/services.js';
import { chatStorage } from '../../api/src/http/storage-access.js';
import { parseConnectionString } from '../../api/src/signalr/connection-string.js';
import { functionsCalled } from './arm-expressions.js';
import { deployOffline, single, type Deployment, type Template } from './offline-deployment.js';
import { ROOT } from '../stack.js';

const TEMPLATE_FILE = path.join(ROOT, 'infra', 'azuredeploy.json');
// CI runs in a fresh clone with shared/ beside it, so the schemas are found beside the repository.
const SCHEMA_DIR = path.resolve(ROOT, '..', 'shared', 'schemas', 'arm');

const STORAGE = 'Microsoft.Storage/storageAccounts';
const SIGNALR = 'Microsoft.SignalRService/signalR';
const SITE = 'Microsoft.Web/staticSites';
const APP_SETTINGS = 'Microsoft.Web/staticSites/config';

/** A fresh copy of the template, to change for a broken copy. */
const loadTemplate = (): Template => JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as Template;

function resourceOf(template: Template, type: string) {
  const found = template.resources.find((resource) => resource.type === type);
  if (!found) throw new Error(`The template has no ${type}`);
  return found as unknown as Record<string, unknown> & { properties: Record<string, unknown> };
}

function appSettingsOf(template: Template): Record<string, string> {
  const config = resourceOf(template, SITE).resources as { type: string; properties: object }[];
  const appSettings = config.find((child) => child.type === 'config');
  if (!appSettings) throw new Error('The Static Web App has no app settings');
  return appSettings.properties as Record<string, string>;
}

function deployedSettings(deployment: Deployment): Record<string, string> {
  const settings = single(deployment, APP_SETTINGS).definition.properties;
  return settings as Record<string, string>;
}

// --- the official schemas ------------------------------------------------------------------------

function schemaValidator() {
  if (!existsSync(path.join(SCHEMA_DIR, 'template-subset.json'))) {
    throw new Error(
      `The ARM schemas are missing: expected them in ${SCHEMA_DIR} (shared/ beside the repository)`,
    );
  }
  const load = (file: string): object =>
    JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as object;
  // Draft-04 schemas; strict off for their `resourceDefinitions` keyword (see the schemas' README).
  // ajv-draft-04 is CommonJS: under Node's ESM its class is the default export's `default`.
  const ajv = new draft04.default({ strict: false, validateFormats: false, allErrors: true });
  // Every provider schema and the shared definitions, keyed by their official ids; not the root
  // template schemas (2019-04-01/), which reference files that are not kept.
  for (const file of readdirSync(SCHEMA_DIR, { recursive: true, encoding: 'utf8' })) {
    const own = file === 'template-subset.json' || file.startsWith(`2019-04-01${path.sep}`);
    if (file.endsWith('.json') && !own) ajv.addSchema(load(file));
  }
  const validate = ajv.compile(load('template-subset.json'));
  return (template: unknown): string[] =>
    validate(template)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('infra/azuredeploy.json against the official ARM template schemas', () => {
  const problemsOf = schemaValidator();

  it('is valid', () => {
    expect(problemsOf(loadTemplate())).toEqual([]);
  });

  const broken: [string, (template: Template) => void][] = [
    [
      'an API version the schemas do not have',
      (t) => (resourceOf(t, STORAGE).apiVersion = '2099-01-01'),
    ],
    [
      'languageVersion 2.0, which the 2019-04-01 schema has not',
      (t) => (t.languageVersion = '2.0'),
    ],
    [
      'a misspelled SignalR feature flag',
      (t) => {
        (resourceOf(t, SIGNALR).properties.features as { flag: string }[])[0]!.flag = 'ServiceMod';
      },
    ],
    [
      'a misspelled config name',
      (t) => {
        (resourceOf(t, SITE).resources as { name: string }[])[0]!.name = 'appsetings';
      },
    ],
    [
      'a TLS version storage does not offer',
      (t) => {
        resourceOf(t, STORAGE).properties.minimumTlsVersion = 'TLS1_9';
      },
    ],
  ];
  it.each(broken)('catches %s', (_, breakIt) => {
    const template = loadTemplate();
    breakIt(template);
    expect(problemsOf(template)).not.toEqual([]);
  });
});

// --- what it creates --------------------------------------------------------------------------

// Azure's naming rules for the three resource types (learn.microsoft.com, "Naming rules and
// restrictions for Azure resources").
const NAME_RULES: Record<string, RegExp> = {
  [STORAGE]: /^[a-z0-9]{3,24}$/,
  [SIGNALR]: /^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$/,
  [SITE]: /^[a-zA-Z0-9][a-zA-Z0-9-]{0,38}[a-zA-Z0-9]$/,
};

describe('the resources it creates, evaluated offline', () => {
  const deployment = deployOffline(loadTemplate());

  function namesFor(template: Template, namePrefix: string): Record<string, string> {
    const deployed = deployOffline(template, { namePrefix });
    return Object.fromEntries(Object.keys(NAME_RULES).map((t) => [t, single(deployed, t).name]));
  }
  const spec = loadTemplate().parameters?.namePrefix;
  const prefixes = [
    'a'.repeat(spec?.minLength ?? 1),
    `Chat-${'x'.repeat((spec?.maxLength ?? 5) - 5)}`,
  ];

  it.each(prefixes)('names every resource within Azure’s rules for the prefix %s', (prefix) => {
    for (const [type, name] of Object.entries(namesFor(loadTemplate(), prefix))) {
      expect(name, type).toMatch(NAME_RULES[type] as RegExp);
    }
  });

  it('catches a storage account name that grows past 24 characters', () => {
    const template = loadTemplate();
    template.variables!.storageAccountName = "[concat(variables('prefix'), variables('suffix'))]";
    const names = namesFor(template, prefixes[1] as string);
    expect(names[STORAGE]).not.toMatch(NAME_RULES[STORAGE] as RegExp);
  });

  it('deploys each resource after the resources whose keys or properties it reads', () => {
    for (const resource of deployment.resources) {
      for (const read of resource.reads) expect(resource.dependsOn, resource.type).toContain(read);
    }
    const broken = loadTemplate();
    delete resourceOf(broken, SIGNALR).dependsOn;
    const signalR = single(deployOffline(broken), SIGNALR);
    expect(signalR.reads.every((read) => signalR.dependsOn.includes(read))).toBe(false);
  });

  it('creates a StorageV2 account reachable over HTTPS and TLS 1.2 only, with no public blobs', () => {
    const storage = single(deployment, STORAGE).definition;
    expect(storage.kind).toBe('StorageV2');
    expect(storage.properties).toMatchObject({
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
    });
  });

  it.each([
    ['Free', 'Free_F1'],
    ['Standard', 'Standard_S1'],
  ])('creates a serverless SignalR Service and a Static Web App on the %s tier', (tier, sku) => {
    const deployed = deployOffline(loadTemplate(), { signalRTier: tier, staticWebAppTier: tier });
    const signalR = single(deployed, SIGNALR).definition;
    expect(signalR.sku).toMatchObject({ name: sku, tier });
    expect((signalR.properties as { features: unknown[] }).features).toContainEqual({
      flag: 'ServiceMode',
      value: 'Serverless',
    });
    expect(single(deployed, SITE).definition.sku).toEqual({ name: tier, tier });
  });

  it('lets only the site itself (and the origins given) call the SignalR Service from a browser', () => {
    const corsOf = (deployed: Deployment) =>
      (single(deployed, SIGNALR).definition.properties as { cors: { allowedOrigins: string[] } })
        .cors.allowedOrigins;
    expect(corsOf(deployment)).toEqual([`https://${deployment.siteHostname}`]);
    const extra = ['https://chat.example.com'];
    expect(corsOf(deployOffline(loadTemplate(), { extraAllowedOrigins: extra }))).toEqual([
      `https://${deployment.siteHostname}`,
      ...extra,
    ]);
  });
});

// --- the app settings, against the API's own configuration code ------------------------------------

/**
 * Runs the API's configuration readers, which the functions call on every invocation, over the
 * given settings, and returns the names they read. Throws the API's ConfigError on a bad setting.
 */
function settingsTheApiReads(settings: Record<string, string>): string[] {
  const read = new Set<string>();
  const env = new Proxy(settings, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  getPresenceServices(env);
  chatStorage(env);
  loadConfig(env);
  return [...read].sort();
}

/** The integer app settings that a template parameter fills: setting name → parameter name. */
function integerSettings(template: Template): [string, string][] {
  return Object.entries(appSettingsOf(template)).flatMap(([setting, value]) => {
    const match = /^\[string\(parameters\('(\w+)'\)\)\]$/.exec(value);
    return match && template.parameters?.[match[1]!]?.type === 'int'
      ? [[setting, match[1]!] as [string, string]]
      : [];
  });
}

describe('the app settings it gives the API', () => {
  const deployment = deployOffline(loadTemplate());
  const settings = deployedSettings(deployment);

  it('sets every setting the API reads, and nothing else, with values the API accepts', () => {
    expect(settingsTheApiReads(settings)).toEqual(Object.keys(settings).sort());
  });

  it('catches a setting the API reads that the template leaves out, or one it does not read', () => {
    const { PresenceVerifyAfterSeconds: _, ...missing } = settings;
    expect(settingsTheApiReads(missing)).not.toEqual(Object.keys(missing).sort());
    const extra = { ...settings, SignalRHub: 'chat' };
    expect(settingsTheApiReads(extra)).not.toEqual(Object.keys(extra).sort());
  });

  it('fills the connection strings from the resources’ own keys', () => {
    const signalR = parseConnectionString(settings.AzureSignalRConnectionString);
    expect(deployment.keys).toContain(signalR.accessKey);
    expect(signalR.endpoint).toBe(
      `https://${single(deployment, SIGNALR).name}.service.signalr.net`,
    );
    const storage = settings.ChatStorageConnectionString ?? '';
    expect(storage).toContain(`AccountName=${single(deployment, STORAGE).name};`);
    expect(deployment.keys.some((key) => storage.includes(`AccountKey=${key};`))).toBe(true);
  });

  it('catches a connection string the API cannot use', () => {
    const broken = loadTemplate();
    // The access key where the whole connection string belongs: listKeys() has both.
    appSettingsOf(broken).AzureSignalRConnectionString = appSettingsOf(
      broken,
    ).AzureSignalRConnectionString!.replace('.primaryConnectionString', '.primaryKey');
    expect(() => settingsTheApiReads(deployedSettings(deployOffline(broken)))).toThrow(ConfigError);
  });

  const integers = integerSettings(loadTemplate());

  it('finds the integer settings and their parameters', () => {
    expect(integers.length).toBeGreaterThan(0);
  });

  it.each(integers)(
    'lets %s (parameter %s) take exactly the values the API accepts',
    (setting, name) => {
      const spec = loadTemplate().parameters![name]!;
      const accepted = (value: number): boolean => {
        try {
          settingsTheApiReads({ ...settings, [setting]: String(value) });
          return true;
        } catch (error) {
          if (error instanceof ConfigError && error.setting === setting) return false;
          throw error;
        }
      };
      expect(spec.minValue).toBeDefined();
      expect(spec.maxValue).toBeDefined();
      expect(accepted(spec.minValue!)).toBe(true);
      expect(accepted(spec.maxValue!)).toBe(true);
      expect(accepted(spec.minValue! - 1)).toBe(false);
      expect(accepted(spec.maxValue! + 1)).toBe(false);
    },
  );

  it.each(integers)('defaults %s (parameter %s) to the API’s own default', (setting, name) => {
    const spec = loadTemplate().parameters![name]!;
    const { [setting]: _, ...unset } = settings;
    // The API builds its services once per distinct configuration, so the same object back means
    // the same configuration; a value other than the default must give different services.
    const services = (value?: number) =>
      getPresenceServices(value === undefined ? unset : { ...settings, [setting]: String(value) });
    expect(services(spec.defaultValue as number)).toBe(services());
    expect(services((spec.defaultValue as number) + 1)).not.toBe(services());
  });
});

// --- the upstream, against the function the API registers --------------------------------------

/** The routes `app.http(name, { route })` registers in api/src/functions, read from the source. */
function registeredRoutes(): Map<string, string> {
  const dir = path.join(ROOT, 'api', 'src', 'functions');
  const routes = new Map<string, string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    const source = ts.createSourceFile(
      file,
      readFileSync(path.join(dir, file), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'http' &&
        ts.isStringLiteral(node.arguments[0] ?? node) &&
        node.arguments[1] &&
        ts.isObjectLiteralExpression(node.arguments[1])
      ) {
        const route = node.arguments[1].properties.find(
          (p) => ts.isPropertyAssignment(p) && p.name.getText(source) === 'route',
        );
        if (route && ts.isPropertyAssignment(route) && ts.isStringLiteral(route.initializer)) {
          routes.set((node.arguments[0] as ts.StringLiteral).text, route.initializer.text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return routes;
}

const hostJson = JSON.parse(readFileSync(path.join(ROOT, 'api', 'host.json'), 'utf8')) as {
  extensions?: { http?: { routePrefix?: string } };
};
const routePrefix = hostJson.extensions?.http?.routePrefix ?? 'api';

function upstreamOf(deployment: Deployment) {
  const properties = single(deployment, SIGNALR).definition.properties as {
    upstream: {
      templates: {
        hubPattern: string;
        categoryPattern: string;
        eventPattern: string;
        urlTemplate: string;
      }[];
    };
  };
  return properties.upstream.templates;
}

/** The upstream URL template Azure must be given for this deployment and this API. */
function expectedUpstreamUrl(deployment: Deployment): string {
  const route = registeredRoutes().get('upstream');
  if (!route) throw new Error('No function named upstream registers a route');
  return `https://${deployment.siteHostname}/${routePrefix}/${route}`;
}

describe('the SignalR upstream it configures', () => {
  const deployment = deployOffline(loadTemplate());

  it('reads the upstream function’s route from its source', () => {
    expect(registeredRoutes().get('upstream')).toMatch(/\{hub\}\/\{category\}\/\{event\}$/);
  });

  it('sends every event of the API’s hub to the route the upstream function registers', () => {
    const [template, ...others] = upstreamOf(deployment);
    expect(others).toEqual([]);
    expect(template?.urlTemplate).toBe(expectedUpstreamUrl(deployment));
    expect(template?.hubPattern).toBe(loadConfig(deployedSettings(deployment)).hubName);
    expect(template).toMatchObject({ categoryPattern: '*', eventPattern: '*' });
  });

  it('defaults the hub name to the API’s own default', () => {
    const { SignalRHubName: _, ...unset } = deployedSettings(deployment);
    expect(loadConfig(deployedSettings(deployment)).hubName).toBe(loadConfig(unset).hubName);
    const other = deployOffline(loadTemplate(), { hubName: 'lobby' });
    expect(loadConfig(deployedSettings(other)).hubName).not.toBe(loadConfig(unset).hubName);
  });

  it('follows the hub name given as a parameter', () => {
    const deployed = deployOffline(loadTemplate(), { hubName: 'Lobby' });
    expect(upstreamOf(deployed)[0]?.hubPattern).toBe(
      loadConfig(deployedSettings(deployed)).hubName,
    );
  });

  it('catches a mistyped route or a hub pattern that is not the API’s hub', () => {
    const typo = loadTemplate();
    typo.variables!.upstreamPath = '/api/signalr/upstrem/{hub}/{category}/{event}';
    expect(upstreamOf(deployOffline(typo))[0]?.urlTemplate).not.toBe(
      expectedUpstreamUrl(deployment),
    );
    const otherHub = loadTemplate();
    const templates = (
      resourceOf(otherHub, SIGNALR).properties.upstream as { templates: { hubPattern: string }[] }
    ).templates;
    templates[0]!.hubPattern = 'chatroom';
    const deployed = deployOffline(otherHub);
    expect(upstreamOf(deployed)[0]?.hubPattern).not.toBe(
      loadConfig(deployedSettings(deployed)).hubName,
    );
  });

  it('reaches a route the site lets in without sign-in', () => {
    const config = JSON.parse(
      readFileSync(path.join(ROOT, 'staticwebapp.config.json'), 'utf8'),
    ) as {
      routes: { route: string; allowedRoles?: string[] }[];
    };
    const path_ = new URL(expectedUpstreamUrl(deployment)).pathname;
    const open = config.routes.filter((route) => route.allowedRoles?.includes('anonymous'));
    expect(
      open.some(
        (route) => route.route.endsWith('/*') && path_.startsWith(route.route.slice(0, -1)),
      ),
    ).toBe(true);
  });
});

// --- the content security policy ------------------------------------------------------------------

/** Whether a CSP source list allows a URL (host-source and scheme-source matching, CSP Level 3). */
function cspAllows(sources: string[], url: URL): boolean {
  return sources.some((source) => {
    if (source === '*') return true;
    if (/^[a-z][a-z0-9+.-]*:$/.test(source)) return source === url.protocol;
    const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^:/]+)(?::(\d+|\*))?(\/.*)?$/.exec(
      source,
    );
    if (!match) return false;
    const [, scheme, wildcard, host = '', port] = match;
    if (scheme !== undefined && `${scheme}:` !== url.protocol) return false;
    const hostMatches = wildcard ? url.hostname.endsWith(`.${host}`) : url.hostname === host;
    const portMatches = port === '*' || (port ?? '') === url.port;
    return hostMatches && portMatches;
  });
}

function connectSrcOf(csp: string): string[] {
  const directive = csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([name]) => name === 'connect-src');
  return directive?.slice(1) ?? [];
}

describe('the content security policy, for the SignalR host it creates', () => {
  const deployment = deployOffline(loadTemplate());
  const endpoint = parseConnectionString(deployedSettings(deployment).AzureSignalRConnectionString);
  const host = new URL(endpoint.clientEndpoint).host;
  const swaConfig = JSON.parse(
    readFileSync(path.join(ROOT, 'staticwebapp.config.json'), 'utf8'),
  ) as {
    globalHeaders: Record<string, string>;
  };
  const connectSrc = connectSrcOf(swaConfig.globalHeaders['Content-Security-Policy'] ?? '');

  it('lets the app negotiate with the service over HTTPS and connect over WebSockets', () => {
    expect(cspAllows(connectSrc, new URL(`https://${host}/client/negotiate`))).toBe(true);
    expect(cspAllows(connectSrc, new URL(`wss://${host}/client/`))).toBe(true);
  });

  it('catches a policy without the service’s WebSocket host or with another cloud’s', () => {
    const noWss = connectSrc.filter((source) => !source.startsWith('wss:'));
    expect(cspAllows(noWss, new URL(`wss://${host}/client/`))).toBe(false);
    const otherCloud = connectSrc.map((source) =>
      source.replace('signalr.net', 'signalr.azure.cn'),
    );
    expect(cspAllows(otherCloud, new URL(`https://${host}/client/negotiate`))).toBe(false);
  });
});

// --- secrets -------------------------------------------------------------------------------------

/** Problems with secrets: any parameter that takes one, any output that lets one out. */
function secretProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(template.parameters ?? {})) {
    if (/^secure/i.test(spec.type)) problems.push(`parameter ${name} takes a secret`);
  }
  for (const [name, output] of Object.entries(template.outputs ?? {})) {
    const calls = [...functionsCalled(output.value, template.variables)];
    if (calls.some((fn) => fn.startsWith('list')))
      problems.push(`output ${name} calls a list function`);
  }
  // A parameter without a default (as a secure one would be) gets a value the way a user gives one.
  const given = Object.fromEntries(
    Object.entries(template.parameters ?? {})
      .filter(([, spec]) => spec.defaultValue === undefined)
      .map(([name, spec]) => [name, /object/i.test(spec.type) ? {} : 'given-by-the-user']),
  );
  const deployment = deployOffline(template, given);
  const keyed = (value: unknown) =>
    deployment.keys.some((key) => JSON.stringify(value).includes(key));
  for (const [name, value] of Object.entries(deployment.outputs)) {
    if (keyed(value)) problems.push(`output ${name} holds a key`);
  }
  const settings = single(deployment, APP_SETTINGS);
  for (const resource of deployment.resources) {
    if (resource !== settings && keyed(resource.definition))
      problems.push(`${resource.type} holds a key`);
  }
  // A key typed into the template rather than read with listKeys():
  const written = JSON.stringify(template);
  if (/(AccountKey|AccessKey)=[^;'"]*[A-Za-z0-9+/=]{20}/.test(written))
    problems.push('a key is written in the template');
  return problems;
}

describe('secrets', () => {
  it('takes none as a parameter and lets none out as an output: keys only through listKeys()', () => {
    expect(secretProblems(loadTemplate())).toEqual([]);
  });

  const storageKey =
    "listKeys(resourceId('Microsoft.Storage/storageAccounts', variables('storageAccountName')), '2026-04-01').keys[0].value";
  const broken: [string, (template: Template) => void][] = [
    [
      'an output with a connection string',
      (t) => {
        t.outputs!.storage = {
          type: 'string',
          value: appSettingsOf(t).ChatStorageConnectionString,
        };
      },
    ],
    [
      'an output reading a key through a variable',
      (t) => {
        t.variables!.key = `[${storageKey}]`;
        t.outputs!.key = { type: 'string', value: "[variables('key')]" };
      },
    ],
    [
      'a secure parameter for a key',
      (t) => {
        t.parameters!.storageKey = { type: 'securestring' };
      },
    ],
    [
      'a key written into a connection string',
      (t) => {
        appSettingsOf(t).AzureSignalRConnectionString =
          'Endpoint=https://chat.service.signalr.net;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh;Version=1.0;';
      },
    ],
  ];
  it.each(broken)('catches %s', (_, breakIt) => {
    const template = loadTemplate();
    breakIt(template);
    expect(secretProblems(template)).not.toEqual([]);
  });
});

// --- outputs, the workflow and the README ---------------------------------------------------------

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      if?: string;
      permissions?: Record<string, string>;
      steps: { uses?: string; run?: string; with?: Record<string, string> }[];
    }
  >;
}

/** What is wrong with the workflow's provisioning job: when it runs, how it signs in, what it deploys. */
function provisioningProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  const provision = workflow.jobs.provision;
  if (!provision) return ['no provision job'];
  if (!('workflow_dispatch' in workflow.on)) problems.push('no workflow_dispatch trigger');
  if (provision.if !== "github.event_name == 'workflow_dispatch'") {
    problems.push('the job does not run on manual dispatch only');
  }
  if (provision.permissions?.['id-token'] !== 'write') problems.push('no id-token: write (OIDC)');
  const login = provision.steps.find((step) => step.uses?.startsWith('azure/login@'));
  const inputs = Object.keys(login?.with ?? {}).sort();
  if (inputs.join() !== 'client-id,subscription-id,tenant-id') {
    problems.push(`azure/login is given ${inputs.join(', ') || 'nothing'}, not just the three ids`);
  }
  for (const value of Object.values(login?.with ?? {})) {
    if (!/^\$\{\{ (vars|secrets)\.AZURE_\w+ \}\}$/.test(value))
      problems.push(`${value} is not an id`);
  }
  if (
    !provision.steps.some((step) => step.run?.includes('--template-file infra/azuredeploy.json'))
  ) {
    problems.push('the job does not deploy infra/azuredeploy.json');
  }
  return problems;
}

describe('what to do next', () => {
  it('outputs the site’s URL and the command that prints the deployment token', () => {
    const deployment = deployOffline(loadTemplate());
    const site = single(deployment, SITE);
    expect(deployment.outputs.siteUrl).toBe(`https://${deployment.siteHostname}`);
    expect(deployment.outputs.deploymentTokenCommand).toBe(
      `az staticwebapp secrets list --name ${site.name} --resource-group chat-rg --query properties.apiKey --output tsv`,
    );
  });

  const workflowFile = path.join(ROOT, '.github', 'workflows', 'azure-static-web-apps.yml');
  const loadWorkflow = () => parseYaml(readFileSync(workflowFile, 'utf8')) as Workflow;

  it('provisions from the workflow on manual dispatch only, signing in by OIDC with no stored secret', () => {
    expect(provisioningProblems(loadWorkflow())).toEqual([]);
  });

  const broken: [string, (workflow: Workflow) => void][] = [
    ['a job that also runs on push', (w) => delete w.jobs.provision!.if],
    ['no OIDC token', (w) => delete w.jobs.provision!.permissions!['id-token']],
    [
      'a stored service principal secret',
      (w) => {
        const login = w.jobs.provision!.steps.find((step) => step.uses?.startsWith('azure/login@'));
        login!.with = { creds: '${{ secrets.AZURE_CREDENTIALS }}' };
      },
    ],
    [
      'another template',
      (w) => {
        for (const step of w.jobs.provision!.steps) {
          step.run = step.run?.replace('infra/azuredeploy.json', 'main.json');
        }
      },
    ],
  ];
  it.each(broken)('catches %s', (_, breakIt) => {
    const workflow = loadWorkflow();
    breakIt(workflow);
    expect(provisioningProblems(workflow)).not.toEqual([]);
  });

  it('puts a Deploy to Azure button in the README that opens this template', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const button =
      /\(https:\/\/portal\.azure\.com\/#create\/Microsoft\.Template\/uri\/([^)\s]+)\)/.exec(readme);
    expect(button).not.toBeNull();
    expect(decodeURIComponent(button![1]!)).toMatch(
      /^https:\/\/raw\.githubusercontent\.com\/.+\/main\/infra\/azuredeploy\.json$/,
    );
    expect(readme).toContain('az deployment group create');
    expect(readme).toContain('--template-file infra/azuredeploy.json');
  });
});
