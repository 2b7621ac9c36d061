import { readFile } from 'node:fs/promises';
import { type UpstreamTemplate, compileTemplates } from './templates.js';

/**
 * Upstream settings from a JSON file. Accepted shapes, keys case-insensitive:
 * - `[{ "urlTemplate": ..., "hubPattern": ..., "categoryPattern": ..., "eventPattern": ... }]`
 * - `{ "templates": [ ... ] }`
 * - `{ "UpstreamSettings": { "Templates": [ ... ] } }` (the official emulator's settings.json)
 */

export class SettingsError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : object[key];
}

function optionalString(object: Record<string, unknown>, name: string, where: string) {
  const value = field(object, name.toLowerCase());
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SettingsError(`${where}: ${name} must be a string`);
  return value;
}

export function parseUpstreamSettings(json: unknown): UpstreamTemplate[] {
  let list: unknown = json;
  if (isObject(list)) {
    const settings = field(list, 'upstreamsettings');
    list = field(isObject(settings) ? settings : list, 'templates');
  }
  if (!Array.isArray(list)) {
    throw new SettingsError(
      'expected an array of templates, {"templates": [...]} or {"UpstreamSettings": {"Templates": [...]}}',
    );
  }
  const templates = list.map((item: unknown, index): UpstreamTemplate => {
    const where = `template ${index + 1}`;
    if (!isObject(item)) throw new SettingsError(`${where} must be an object`);
    const urlTemplate = optionalString(item, 'urlTemplate', where);
    if (urlTemplate === undefined) throw new SettingsError(`${where} has no urlTemplate`);
    const template: UpstreamTemplate = { urlTemplate };
    const hubPattern = optionalString(item, 'hubPattern', where);
    const categoryPattern = optionalString(item, 'categoryPattern', where);
    const eventPattern = optionalString(item, 'eventPattern', where);
    if (hubPattern !== undefined) template.hubPattern = hubPattern;
    if (categoryPattern !== undefined) template.categoryPattern = categoryPattern;
    if (eventPattern !== undefined) template.eventPattern = eventPattern;
    return template;
  });
  try {
    compileTemplates(templates);
  } catch (error) {
    throw new SettingsError(error instanceof Error ? error.message : String(error));
  }
  return templates;
}

/** Reads and checks a settings file; throws SettingsError with a one-line reason. */
export async function loadUpstreamSettings(path: string): Promise<UpstreamTemplate[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SettingsError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SettingsError(`${path} is not valid JSON`);
  }
  try {
    return parseUpstreamSettings(json);
  } catch (error) {
    throw new SettingsError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
