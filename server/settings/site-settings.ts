import { parse as parseSelector } from 'css-what';
import {
  DEFAULT_DISABLED_SELECTORS,
  DEFAULT_MASKED_CANVAS_SELECTORS,
  DEFAULT_MASKED_ELEMENT_SELECTORS,
  DEFAULT_MASKED_FIELD_SELECTORS,
  DEFAULT_MASKED_IMAGE_SELECTORS,
  MAX_RULE_LENGTH,
  MAX_RULES_PER_LIST,
  type SessionRules,
} from '../../protocol/index.ts';
import { normalizePagePattern } from '../../protocol/page-patterns.ts';
import { badInput } from '../core/errors.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { forgetAllowedOrigins } from './allowed-origins-cache.ts';
import { mergeCapabilities, parseCapabilities, type RoleCapabilities, type RoleCapabilitiesInput } from './capabilities.ts';

const SITE = 'site';

/** The lists an admin edits; each is stored as a JSON array in its own column. */
export const SELECTOR_LISTS = [
  'disabledSelectors',
  'maskedFieldSelectors',
  'maskedElementSelectors',
  'maskedImageSelectors',
  'maskedCanvasSelectors',
] as const;
type SelectorList = (typeof SELECTOR_LISTS)[number];
type RuleList = SelectorList | 'maskedPagePatterns' | 'allowedOrigins' | 'keptQueryParameters' | 'embedOrigins' | 'frameOrigins';
/** The lists whose entries are site origins. */
type OriginList = 'allowedOrigins' | 'embedOrigins' | 'frameOrigins';

export type SiteSettingsValues = Record<RuleList, string[]> & {
  writeModeEnabled: boolean;
  recordingEnabled: boolean;
  captureAssets: boolean;
  /** The tools each role may use in a session. */
  capabilities: RoleCapabilities;
};

/** What an admin may change: any field; capabilities per role and tool. */
export type SiteSettingsInput = Partial<Omit<SiteSettingsValues, 'capabilities'>> & { capabilities?: RoleCapabilitiesInput | null };

/** What every site has before the admin adds anything; shown on the admin page. */
export const BUILT_IN_RULES = {
  disabledSelectors: DEFAULT_DISABLED_SELECTORS,
  maskedFieldSelectors: DEFAULT_MASKED_FIELD_SELECTORS,
  maskedElementSelectors: DEFAULT_MASKED_ELEMENT_SELECTORS,
  maskedImageSelectors: DEFAULT_MASKED_IMAGE_SELECTORS,
  maskedCanvasSelectors: DEFAULT_MASKED_CANVAS_SELECTORS,
  maskedPagePatterns: [] as string[],
  /** ALLOWED_ORIGINS from the environment adds to these (see allowed-origins.ts). */
  allowedOrigins: [] as string[],
  /** No parameter is kept unless the admin names it. */
  keptQueryParameters: [] as string[],
  /** No page may frame the agent view until the admin names it. */
  embedOrigins: [] as string[],
  /** No other site's frame is mirrored until the admin trusts its origin. */
  frameOrigins: [] as string[],
} satisfies Record<RuleList, string[]>;

const RULE_LISTS = Object.keys(BUILT_IN_RULES) as RuleList[];

/** Human names for error messages. */
const LIST_NAMES: Record<RuleList, string> = {
  disabledSelectors: 'Disabled controls',
  maskedFieldSelectors: 'Masked fields',
  maskedElementSelectors: 'Masked elements',
  maskedImageSelectors: 'Masked images',
  maskedCanvasSelectors: 'Masked canvases',
  maskedPagePatterns: 'Masked pages',
  allowedOrigins: 'Allowed sites',
  keptQueryParameters: 'Kept query parameters',
  embedOrigins: 'Embedding sites',
  frameOrigins: 'Trusted frames',
};

/** The site's settings; defaults until an admin saves some. */
export async function loadSiteSettings(db: PrismaClient): Promise<SiteSettingsValues> {
  const row = await db.siteSettings.findUnique({ where: { id: SITE } });
  const list = (key: RuleList) => (row ? (JSON.parse(row[key]) as string[]) : []);
  return {
    writeModeEnabled: row?.writeModeEnabled ?? true,
    recordingEnabled: row?.recordingEnabled ?? false,
    captureAssets: row?.captureAssets ?? true,
    capabilities: parseCapabilities(row?.capabilities),
    ...(Object.fromEntries(RULE_LISTS.map((key) => [key, list(key)])) as Record<RuleList, string[]>),
  };
}

/** The rules a session runs under: the built-in ones plus the admin's. */
export function sessionRules(settings: SiteSettingsValues): SessionRules {
  const merged = (key: RuleList) => [...BUILT_IN_RULES[key], ...settings[key]];
  return {
    writeModeEnabled: settings.writeModeEnabled,
    capabilities: settings.capabilities.agent,
    captureAssets: settings.captureAssets,
    disabledSelectors: merged('disabledSelectors'),
    maskedFieldSelectors: merged('maskedFieldSelectors'),
    maskedElementSelectors: merged('maskedElementSelectors'),
    maskedImageSelectors: merged('maskedImageSelectors'),
    maskedCanvasSelectors: merged('maskedCanvasSelectors'),
    maskedPagePatterns: merged('maskedPagePatterns'),
    keptQueryParameters: merged('keptQueryParameters'),
    frameOrigins: settings.frameOrigins,
  };
}

/** Trims one entry and rejects the empty or oversized, naming the list it is in. */
function checkEntry(list: RuleList, entry: string): string {
  const trimmed = entry.trim();
  if (!trimmed) throw badInput(`${LIST_NAMES[list]}: an entry cannot be empty.`);
  if (trimmed.length > MAX_RULE_LENGTH)
    throw badInput(`${LIST_NAMES[list]}: "${trimmed.slice(0, 40)}…" is longer than ${MAX_RULE_LENGTH} characters.`);
  return trimmed;
}

/** Rejects what is not a CSS selector list (css-what parses the selector grammar browsers use). */
function checkSelector(list: SelectorList, entry: string): string {
  const selector = checkEntry(list, entry);
  try {
    parseSelector(selector);
  } catch (error) {
    throw badInput(`${LIST_NAMES[list]}: "${selector}" is not a valid CSS selector (${(error as Error).message}).`);
  }
  return selector;
}

/**
 * A page pattern is a URL or path in which `*` matches anything, e.g. `/account/*` or
 * `https://shop.example/checkout*`. Saved normalized, the way pages are matched
 * (protocol/page-patterns.ts): `//a/%62/` is saved as `/a/b`.
 */
function checkPagePattern(entry: string): string {
  const pattern = checkEntry('maskedPagePatterns', entry);
  if (/\s/.test(pattern)) throw badInput(`Masked pages: "${pattern}" contains spaces; use * to match anything.`);
  if (!pattern.startsWith('/') && !pattern.startsWith('*') && !/^https?:\/\//.test(pattern))
    throw badInput(`Masked pages: "${pattern}" must start with /, * or http(s)://.`);
  if (pattern.includes('#'))
    throw badInput(`Masked pages: "${pattern}" contains #; hash routes (/#/account) are matched as paths, so write /account/*.`);
  return normalizePagePattern(pattern);
}

/** A site is an origin: scheme, host and port, e.g. https://shop.example (a trailing slash is dropped). */
function checkOrigin(list: OriginList, entry: string): string {
  const origin = checkEntry(list, entry).replace(/\/$/, '');
  let parsed: URL | null = null;
  try {
    parsed = new URL(origin);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin.toLowerCase())
    throw badInput(`${LIST_NAMES[list]}: "${origin}" is not a site origin like https://shop.example (no path).`);
  return parsed.origin;
}

/**
 * A query parameter is kept by its name as the page reads it (`page`, `product_id`; case
 * counts), so the name is written decoded, without `=`, `&`, `?`, `#` or spaces.
 */
function checkQueryParameter(entry: string): string {
  const name = checkEntry('keptQueryParameters', entry);
  if (/[\s=&?#]/.test(name))
    throw badInput(`Kept query parameters: "${name}" is not a parameter name (write page, not ?page=2; no spaces).`);
  return name;
}

function checkEntryOf(list: RuleList, entry: string): string {
  if (list === 'maskedPagePatterns') return checkPagePattern(entry);
  if (list === 'keptQueryParameters') return checkQueryParameter(entry);
  if (list === 'allowedOrigins' || list === 'embedOrigins' || list === 'frameOrigins') return checkOrigin(list, entry);
  return checkSelector(list, entry);
}

function checkList(list: RuleList, entries: string[]): string[] {
  if (entries.length > MAX_RULES_PER_LIST) throw badInput(`${LIST_NAMES[list]}: at most ${MAX_RULES_PER_LIST} entries.`);
  const checked = entries.map((entry) => checkEntryOf(list, entry));
  return [...new Set(checked)];
}

/** Saves the site's settings (admins only; checked by the caller). Nothing is saved if any entry is bad. */
export async function updateSiteSettings(db: PrismaClient, input: SiteSettingsInput): Promise<SiteSettingsValues> {
  const current = await loadSiteSettings(db);
  const next: SiteSettingsValues = {
    writeModeEnabled: input.writeModeEnabled ?? current.writeModeEnabled,
    recordingEnabled: input.recordingEnabled ?? current.recordingEnabled,
    captureAssets: input.captureAssets ?? current.captureAssets,
    capabilities: mergeCapabilities(current.capabilities, input.capabilities),
    ...(Object.fromEntries(RULE_LISTS.map((key) => [key, checkList(key, input[key] ?? current[key])])) as Record<RuleList, string[]>),
  };
  const data = {
    writeModeEnabled: next.writeModeEnabled,
    recordingEnabled: next.recordingEnabled,
    captureAssets: next.captureAssets,
    capabilities: JSON.stringify(next.capabilities),
    ...Object.fromEntries(RULE_LISTS.map((key) => [key, JSON.stringify(next[key])])),
  };
  await db.siteSettings.upsert({ where: { id: SITE }, create: { id: SITE, ...data }, update: data });
  forgetAllowedOrigins(db);
  return next;
}
