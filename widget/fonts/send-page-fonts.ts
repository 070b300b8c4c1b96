import { ASSETS_PATH } from '../../protocol/messages.ts';

// The page's font files, sent once to the co-browse server for agents whose browsers cannot
// fetch them (fonts need CORS; most sites serve them without it, or behind a login). A chunk
// of its own (/widget-fonts.js), loaded only when an agent has joined a page that uses web fonts.

/** More than this many files, or files larger than this, are left to the agent's browser. */
const MAX_FONTS = 24;
const MAX_FONT_BYTES = 2 * 1024 * 1024;

const TYPE_BY_EXTENSION: Record<string, string> = { woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf', otf: 'font/otf' };

/** Addresses of the fonts the page's stylesheets declare and the browser has loaded. */
function loadedFontAddresses(): string[] {
  const loaded = new Set(performance.getEntriesByType('resource').map((entry) => entry.name));
  const found = new Set<string>();
  const visit = (sheet: CSSStyleSheet) => {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      return; // another site's stylesheet without CORS: the agent's browser fetches it itself
    }
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSImportRule && rule.styleSheet) visit(rule.styleSheet);
      else if (rule instanceof CSSGroupingRule) visit({ cssRules: rule.cssRules, href: sheet.href } as CSSStyleSheet);
      else if (rule instanceof CSSFontFaceRule)
        for (const [, , address] of rule.style.getPropertyValue('src').matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) {
          const absolute = new URL(address!, sheet.href ?? location.href).href;
          if (loaded.has(absolute)) found.add(absolute);
        }
    }
  };
  for (const sheet of [...Array.from(document.styleSheets), ...document.adoptedStyleSheets]) visit(sheet);
  return [...found].slice(0, MAX_FONTS);
}

const hex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');

interface FontFile {
  address: string;
  hash: string;
  type: string;
  bytes: ArrayBuffer;
}

/** A font as the browser has it (from its cache, as a rule), with its SHA-256; null when it cannot be read. */
async function readFont(address: string): Promise<FontFile | null> {
  const response = await fetch(address, { credentials: 'same-origin', cache: 'force-cache' }).catch(() => null);
  if (!response?.ok) return null;
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength > MAX_FONT_BYTES) return null;
  const extension = new URL(address).pathname.split('.').pop()!.toLowerCase();
  const type = TYPE_BY_EXTENSION[extension] ?? response.headers.get('content-type') ?? 'application/octet-stream';
  return { address, hash: hex(await crypto.subtle.digest('SHA-256', bytes)), type, bytes };
}

let sent: Promise<Record<string, string>> | undefined;

/**
 * Sends the server the page's loaded fonts it lacks, and says which file each address is:
 * `{ address: sha256 }` (empty when there is nothing to send, or the server takes none).
 * Done once per page; later calls get the same answer.
 */
export function sendPageFonts(serverOrigin: string, customerToken: string): Promise<Record<string, string>> {
  return (sent ??= (async () => {
    // Hashing needs a secure context (https or this machine): elsewhere agents see the page's fallbacks.
    if (!crypto.subtle) return {};
    const fonts = (await Promise.all(loadedFontAddresses().map(readFont))).filter((font): font is FontFile => font !== null);
    if (fonts.length === 0) return {};
    const headers = { 'x-cobrowse-customer-token': customerToken };
    const asked = await fetch(`${serverOrigin}${ASSETS_PATH}/missing`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ hashes: [...new Set(fonts.map((font) => font.hash))] }),
    });
    if (!asked.ok) return {};
    const missing = new Set(((await asked.json()) as { missing: string[] }).missing);
    const kept = await Promise.all(
      fonts.map(async (font) => {
        if (!missing.has(font.hash)) return true;
        missing.delete(font.hash); // the same file under two addresses goes up once
        const put = await fetch(`${serverOrigin}${ASSETS_PATH}/${font.hash}`, {
          method: 'PUT',
          headers: { ...headers, 'content-type': font.type },
          body: font.bytes,
        }).catch(() => null);
        return put?.ok === true;
      }),
    );
    return Object.fromEntries(fonts.filter((_, index) => kept[index]).map((font) => [font.address, font.hash]));
  })().catch(() => ({})));
}
