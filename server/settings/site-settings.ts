import { DEFAULT_DISABLED_SELECTORS, type SessionRules } from '../../protocol/index.ts';
import { badInput } from '../../graphql/errors.ts';
import type { PrismaClient } from '../db/index.ts';

const SITE = 'site';
const MAX_SELECTORS = 100;
const MAX_SELECTOR_LENGTH = 300;

export interface SiteSettingsValues {
  writeModeEnabled: boolean;
  /** Admin-chosen selectors, on top of DEFAULT_DISABLED_SELECTORS. */
  disabledSelectors: string[];
}

/** The site's settings; defaults until an admin saves some. */
export async function loadSiteSettings(db: PrismaClient): Promise<SiteSettingsValues> {
  const row = await db.siteSettings.findUnique({ where: { id: SITE } });
  return { writeModeEnabled: row?.writeModeEnabled ?? true, disabledSelectors: row ? (JSON.parse(row.disabledSelectors) as string[]) : [] };
}

/** The rules a session runs under: the admin's settings plus the built-in ones. */
export function sessionRules(settings: SiteSettingsValues): SessionRules {
  return { writeModeEnabled: settings.writeModeEnabled, disabledSelectors: [...DEFAULT_DISABLED_SELECTORS, ...settings.disabledSelectors] };
}

/**
 * Rejects what cannot be a single CSS selector, naming it. (Browsers check the full grammar;
 * the widget also fails closed on a selector its browser rejects.)
 */
function checkSelector(selector: string): string {
  const trimmed = selector.trim();
  if (!trimmed) throw badInput('A selector cannot be empty.');
  if (trimmed.length > MAX_SELECTOR_LENGTH)
    throw badInput(`The selector "${trimmed.slice(0, 40)}…" is longer than ${MAX_SELECTOR_LENGTH} characters.`);
  if (/[{};]|\/\*/.test(trimmed)) throw badInput(`"${trimmed}" is not a CSS selector (no braces, semicolons or comments).`);
  let depth = 0;
  for (const char of trimmed) {
    depth += char === '(' || char === '[' ? 1 : char === ')' || char === ']' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) throw badInput(`"${trimmed}" has unbalanced brackets.`);
  return trimmed;
}

/** Saves the site's settings (admins only; checked by the caller). */
export async function updateSiteSettings(db: PrismaClient, input: Partial<SiteSettingsValues>): Promise<SiteSettingsValues> {
  const current = await loadSiteSettings(db);
  const selectors = input.disabledSelectors ?? current.disabledSelectors;
  if (selectors.length > MAX_SELECTORS) throw badInput(`At most ${MAX_SELECTORS} selectors.`);
  const next = { writeModeEnabled: input.writeModeEnabled ?? current.writeModeEnabled, disabledSelectors: selectors.map(checkSelector) };
  const data = { writeModeEnabled: next.writeModeEnabled, disabledSelectors: JSON.stringify(next.disabledSelectors) };
  await db.siteSettings.upsert({ where: { id: SITE }, create: { id: SITE, ...data }, update: data });
  return next;
}
