// "Deploys" an ARM template offline: evaluates every resource, app setting and output the way Azure
// Resource Manager would, with a stand-in for the few values only Azure knows (runtime
// properties, keys, uniqueString). The stand-in answers only for resources the template itself
// declares, with the apiVersion it declares, and in the shapes the Azure REST API documents, so a
// typo in a resource id or a key path fails here instead of in Azure.
import { randomBytes } from 'node:crypto';
import { evaluate, type ArmEnvironment } from './arm-expressions.js';

export interface Template {
  parameters?: Record<string, TemplateParameter>;
  variables?: Record<string, unknown>;
  resources: TemplateResource[];
  outputs?: Record<string, { type: string; value: unknown }>;
  [key: string]: unknown;
}

export interface TemplateParameter {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
}

export interface TemplateResource {
  type: string;
  apiVersion: string;
  name: string;
  dependsOn?: string[];
  resources?: TemplateResource[];
  [key: string]: unknown;
}

/** A resource as deployed: full type and name, every expression evaluated. */
export interface DeployedResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** Evaluated dependsOn, plus the parent of a nested child (an implicit dependency in ARM). */
  dependsOn: string[];
  /** Resource ids whose reference() or listKeys() this resource's definition reads. */
  reads: string[];
  definition: Record<string, unknown>;
}

export interface Deployment {
  resources: DeployedResource[];
  outputs: Record<string, unknown>;
  /** The key values the stand-in handed out: none may appear anywhere but where keys belong. */
  keys: string[];
  /** The hostname the stand-in gave the Static Web App. */
  siteHostname: string;
}

export const RESOURCE_GROUP = {
  id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/chat-rg',
  name: 'chat-rg',
  location: 'westeurope',
};

/** Generated Static Web Apps hostnames look like this (the name is not part of them). */
const SITE_HOSTNAME = 'gentle-river-0a1b2c3d4.5.azurestaticapps.net';

interface Flat {
  type: string;
  name: unknown;
  apiVersion: string;
  parent?: Flat;
  raw: TemplateResource;
}

function flatten(resources: TemplateResource[], parent?: Flat): Flat[] {
  return resources.flatMap((raw) => {
    const flat: Flat = {
      type: parent ? `${parent.type}/${raw.type}` : raw.type,
      name: raw.name,
      apiVersion: raw.apiVersion,
      raw,
      ...(parent ? { parent } : {}),
    };
    return [flat, ...flatten(raw.resources ?? [], flat)];
  });
}

function checkParameter(name: string, spec: TemplateParameter, value: unknown): void {
  const fail = (rule: string): never => {
    throw new Error(`Parameter ${name}=${JSON.stringify(value)}: ${rule}`);
  };
  if (spec.allowedValues && !spec.allowedValues.includes(value)) fail('not an allowed value');
  if (spec.type === 'int') {
    if (!Number.isInteger(value)) fail('not an int');
    const number = value as number;
    if (spec.minValue !== undefined && number < spec.minValue) fail('below minValue');
    if (spec.maxValue !== undefined && number > spec.maxValue) fail('above maxValue');
  }
  if (spec.type === 'string') {
    if (typeof value !== 'string') fail('not a string');
    const length = (value as string).length;
    if (spec.minLength !== undefined && length < spec.minLength) fail('shorter than minLength');
    if (spec.maxLength !== undefined && length > spec.maxLength) fail('longer than maxLength');
  }
}

export function deployOffline(
  template: Template,
  parameterValues: Record<string, unknown> = {},
): Deployment {
  const signalRKeys = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
  const storageKeys = [randomBytes(64).toString('base64'), randomBytes(64).toString('base64')];
  const declared = new Map<string, Flat & { resolvedName: string }>();

  const env: ArmEnvironment = {
    parameters: {},
    variables: template.variables ?? {},
    resourceGroup: RESOURCE_GROUP,
    reference: (id) => {
      const resource = declaredAt(id);
      switch (resource.type) {
        case 'Microsoft.Web/staticSites':
          return { defaultHostname: SITE_HOSTNAME };
        case 'Microsoft.SignalRService/signalR':
          return { hostName: `${resource.resolvedName}.service.signalr.net` };
        default:
          throw new Error(`The stand-in has no runtime properties for ${resource.type}`);
      }
    },
    listKeys: (id, apiVersion) => {
      const resource = declaredAt(id);
      if (apiVersion !== resource.apiVersion) {
        throw new Error(`listKeys(${id}) uses ${apiVersion}, the resource ${resource.apiVersion}`);
      }
      switch (resource.type) {
        case 'Microsoft.SignalRService/signalR': {
          const endpoint = `https://${resource.resolvedName}.service.signalr.net`;
          return {
            primaryKey: signalRKeys[0],
            secondaryKey: signalRKeys[1],
            primaryConnectionString: `Endpoint=${endpoint};AccessKey=${signalRKeys[0]};Version=1.0;`,
            secondaryConnectionString: `Endpoint=${endpoint};AccessKey=${signalRKeys[1]};Version=1.0;`,
          };
        }
        case 'Microsoft.Storage/storageAccounts':
          return {
            keys: storageKeys.map((value, i) => ({
              keyName: `key${i + 1}`,
              value,
              permissions: 'FULL',
            })),
          };
        default:
          throw new Error(`The stand-in has no keys for ${resource.type}`);
      }
    },
  };

  function declaredAt(id: string): Flat & { resolvedName: string } {
    const resource = declared.get(id.toLowerCase());
    if (!resource) throw new Error(`${id} is not a resource of the template`);
    return resource;
  }

  // Parameters: given values, else evaluated defaults; each checked against its constraints.
  for (const [name, spec] of Object.entries(template.parameters ?? {})) {
    const value =
      name in parameterValues ? parameterValues[name] : evaluate(spec.defaultValue, env);
    if (value === undefined) throw new Error(`Parameter ${name} has no value`);
    checkParameter(name, spec, value);
    env.parameters[name] = value;
  }
  for (const name of Object.keys(parameterValues)) {
    if (!(name in env.parameters)) throw new Error(`The template has no parameter ${name}`);
  }

  const flat = flatten(template.resources);
  const idOf = (type: string, name: string): string => {
    const [namespace, ...types] = type.split('/');
    const names = name.split('/');
    const path = types.map((segment, i) => `${segment}/${names[i]}`).join('/');
    return `${RESOURCE_GROUP.id}/providers/${namespace}/${path}`;
  };
  // Parents come before their children in `flat`, so a child finds its parent's name.
  const named: { flat: Flat; name: string; id: string }[] = [];
  for (const resource of flat) {
    const ownName = evaluate(resource.name, env);
    if (typeof ownName !== 'string') throw new Error(`A ${resource.type} name is not a string`);
    const parent = named.find((entry) => entry.flat === resource.parent);
    const name = parent ? `${parent.name}/${ownName}` : ownName;
    const id = idOf(resource.type, name);
    named.push({ flat: resource, name, id });
    declared.set(id.toLowerCase(), { ...resource, resolvedName: name });
  }

  const resources = named.map(({ flat: resource, name, id }): DeployedResource => {
    const reads = new Set<string>();
    const { resources: _children, ...definition } = resource.raw;
    const evaluated = evaluate(definition, {
      ...env,
      onRead: (readId) => reads.add(readId.toLowerCase()),
    }) as Record<string, unknown>;
    const parentId = resource.parent
      ? named.find((n) => n.flat === resource.parent)?.id
      : undefined;
    const dependsOn = [...((evaluated.dependsOn as string[] | undefined) ?? [])];
    if (parentId) dependsOn.push(parentId);
    return {
      id,
      type: resource.type,
      name,
      apiVersion: resource.apiVersion,
      dependsOn: dependsOn.map((dependency) => dependency.toLowerCase()),
      reads: [...reads].filter((readId) => readId !== id.toLowerCase()),
      definition: evaluated,
    };
  });

  const outputs = Object.fromEntries(
    Object.entries(template.outputs ?? {}).map(([name, output]) => [
      name,
      evaluate(output.value, env),
    ]),
  );

  return {
    resources,
    outputs,
    keys: [...signalRKeys, ...storageKeys],
    siteHostname: SITE_HOSTNAME,
  };
}

/** The one deployed resource of a type; throws when there is none or more than one. */
export function single(deployment: Deployment, type: string): DeployedResource {
  const found = deployment.resources.filter((resource) => resource.type === type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0] as DeployedResource;
}
