import { ASSETS_PATH } from '../../protocol/messages.ts';
import type { Masking } from '../masking.ts';

// Files of the page that agents' browsers cannot load, sent once to the co-browse server: web
// fonts (browsers fetch them only with CORS, which most sites do not send) and the site's own
// images (often behind the customer's login or on an intranet). A chunk of its own
// (/widget-assets.js), loaded once an agent has joined. A masked image, or any image of a masked
// element, is never read, so none of its bytes leave the browser.

/** More files than this, or files larger than this, are left to the agent's browser. */
const MAX_FILES = 48;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

const FONT_TYPE_BY_EXTENSION: Record<string, string> = { woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf', otf: 'font/otf' };

/** Pseudo-elements, which `querySelectorAll` never matches: without them a rule's selector finds the elements it draws on. */
const PSEUDO_ELEMENT =
  /::?(before|after|first-line|first-letter|marker|placeholder|selection|backdrop|file-selector-button)\b|::[\w-]+(\([^)]*\))?/g;

const sameSite = (address: string) => URL.canParse(address) && new URL(address).origin === location.origin;

/** The absolute addresses of a CSS text's `url()`s. */
const urlsIn = (css: string, base: string) =>
  Array.from(css.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g), ([, , address]) => new URL(address!, base).href);

/** Whether a style rule may draw on a masked element (an unreadable selector counts as yes). */
function drawsOnMasked(selector: string, masking: Masking): boolean {
  try {
    return Array.from(document.querySelectorAll(selector.replace(PSEUDO_ELEMENT, '') || '*')).some(masking.isMasked);
  } catch {
    return true;
  }
}

/**
 * Addresses of the files the page uses that the agent may not be able to fetch: the fonts its
 * stylesheets declare and the browser has loaded (from any site: fonts need CORS), then the site's
 * own images — of `<img>`s, of style rules and of style attributes — on no masked element.
 */
function pageFileAddresses(masking: Masking): string[] {
  const loaded = new Set(performance.getEntriesByType('resource').map((entry) => entry.name));
  const fonts = new Set<string>();
  const images = new Set<string>();
  const visit = (rules: CSSRuleList, base: string) => {
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSFontFaceRule) {
        for (const address of urlsIn(rule.style.getPropertyValue('src'), base)) if (loaded.has(address)) fonts.add(address);
      } else if (rule instanceof CSSStyleRule) {
        const css = rule.style.cssText;
        if (css.includes('url(') && !drawsOnMasked(rule.selectorText, masking))
          for (const address of urlsIn(css, base)) if (loaded.has(address) && sameSite(address)) images.add(address);
        visit(rule.cssRules, base); // nested rules
      } else if (rule instanceof CSSImportRule) {
        if (rule.styleSheet) visitSheet(rule.styleSheet);
      } else if (rule instanceof CSSGroupingRule) visit(rule.cssRules, base);
    }
  };
  const visitSheet = (sheet: CSSStyleSheet) => {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      return; // another site's stylesheet without CORS: the agent's browser fetches it and its files itself
    }
    visit(rules, sheet.href ?? location.href);
  };
  for (const sheet of [...Array.from(document.styleSheets), ...document.adoptedStyleSheets]) visitSheet(sheet);
  for (const image of Array.from(document.images))
    if (image.complete && image.naturalWidth > 0 && sameSite(image.currentSrc) && !masking.isMasked(image)) images.add(image.currentSrc);
  for (const element of Array.from(document.querySelectorAll<HTMLElement>('[style*="url("]')))
    if (!masking.isMasked(element))
      for (const address of urlsIn(element.style.cssText, location.href)) if (loaded.has(address) && sameSite(address)) images.add(address);
  return [...fonts, ...images].slice(0, MAX_FILES);
}

const hex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');

interface PageFile {
  address: string;
  hash: string;
  type: string;
  bytes: ArrayBuffer;
}

/**
 * A file as the browser has it (from its cache, as a rule), with its SHA-256; null when it cannot
 * be read, is too large, or is not a font or an image (a login page answered in its place, say).
 */
async function readFile(address: string): Promise<PageFile | null> {
  const response = await fetch(address, { credentials: 'same-origin', cache: 'force-cache' }).catch(() => null);
  if (!response?.ok) return null;
  const extension = new URL(address).pathname.split('.').pop()!.toLowerCase();
  const type = FONT_TYPE_BY_EXTENSION[extension] ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  if (!/^(font|image)\//.test(type) && !FONT_TYPE_BY_EXTENSION[extension]) return null;
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength > MAX_FILE_BYTES) return null;
  return { address, hash: hex(await crypto.subtle.digest('SHA-256', bytes)), type, bytes };
}

/** The answer for the page at `href` (a single-page app's next page has its own files). */
let sent: { href: string; files: Promise<Record<string, string>> } | undefined;

/**
 * Sends the server the page's files it lacks, and says which file each address is:
 * `{ address: sha256 }` (empty when there is nothing to send, or the server takes none). Nothing
 * is read on a page hidden from agents. Done once per page address; later calls get the same answer.
 */
export function sendPageAssets(serverOrigin: string, customerToken: string, masking: Masking): Promise<Record<string, string>> {
  const href = location.href;
  if (masking.pageHiddenBecause(href)) return Promise.resolve({});
  if (sent?.href === href) return sent.files;
  const files = (async () => {
    // Hashing needs a secure context (https or this machine): elsewhere agents see what their browser can load.
    if (!crypto.subtle) return {};
    const files = (await Promise.all(pageFileAddresses(masking).map(readFile))).filter((file): file is PageFile => file !== null);
    if (files.length === 0) return {};
    const headers = { 'x-cobrowse-customer-token': customerToken };
    const asked = await fetch(`${serverOrigin}${ASSETS_PATH}/missing`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ hashes: [...new Set(files.map((file) => file.hash))] }),
    });
    if (!asked.ok) return {};
    const missing = new Set(((await asked.json()) as { missing: string[] }).missing);
    const kept = await Promise.all(
      files.map(async (file) => {
        if (!missing.has(file.hash)) return true;
        missing.delete(file.hash); // the same file under two addresses goes up once
        const put = await fetch(`${serverOrigin}${ASSETS_PATH}/${file.hash}`, {
          method: 'PUT',
          headers: { ...headers, 'content-type': file.type },
          body: file.bytes,
        }).catch(() => null);
        return put?.ok === true;
      }),
    );
    return Object.fromEntries(files.filter((_, index) => kept[index]).map((file) => [file.address, file.hash]));
  })().catch(() => ({}));
  sent = { href, files };
  return files;
}
