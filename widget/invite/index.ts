import type { InvitationPrompt } from '../../protocol/invitations.ts';
import type { CustomerMetadata } from '../../protocol/customer-metadata.ts';
import type { CobrowseApi, WidgetTexts } from '../api.ts';
import { fill } from '../i18n/texts.ts';
import { openSocket, postGraphQL, type Client } from '../transport.ts';
import { button, h } from '../ui/h.ts';

/** The request prompt's texts in English; a language chunk or the site's `texts` may give any of them. */
export const INVITE_EN = {
  inviteTitle: 'Co-browse request',
  inviteAsk: '{agent} would like to see this page with you to help. Nothing on it is shared unless you accept.',
  inviteAccept: 'Accept',
  inviteDecline: 'Decline',
};

export type InviteTexts = typeof INVITE_EN;

const PROMPTS = 'subscription($t:String!){invitationPrompts(identityToken:$t){invitationId open agentName expiresAt}}';
const DECLINE = 'mutation($i:ID!,$t:String!){declineInvitation(invitationId:$i,identityToken:$t){id}}';

const CSS = `.inv{width:300px;max-width:100%;background:#fff;border:1px solid #e5e7eb;border-radius:16px;box-shadow:0 12px 32px rgba(0,0,0,.18);padding:16px;animation:in .2s ease-out}
.inv h2{margin:0 0 6px;font-size:15px;font-weight:700;color:#111827}
.inv p{margin:0 0 14px;font-size:13px;color:#374151}
.iyes{flex:1;background:#2563eb;color:#fff}.iyes:hover{background:#1d4ed8}.ino{flex:1;background:#e5e7eb;color:#111827}.ino:hover{background:#d1d5db}
@media (prefers-reduced-motion:reduce){.inv{animation:none}}`;

function addStyles(shadow: ShadowRoot) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } catch {
    shadow.append(h('style', null, CSS));
  }
}

/**
 * Keeps the page reachable for agents' requests to co-browse while it carries the customer's signed
 * identity and no session runs: one light socket that sends only that identity token — no
 * recording, no page address. A request shows who asks, with Accept and Decline; Accept starts a
 * session exactly as Start Co-browse does (the asking agent then joins it), Decline tells the
 * agent. A request answered in another tab, or expired, disappears here too.
 */
export function beReachable(api: CobrowseApi, serverOrigin: string, shadow: ShadowRoot, texts: WidgetTexts, metadata: CustomerMetadata) {
  const t = { ...INVITE_EN, ...texts } as InviteTexts & WidgetTexts;
  const identityToken = metadata.identityToken!;
  addStyles(shadow);
  const titleId = 'cobrowse-invite-title';
  const question = h('p');
  const yes = button('iyes', 'cobrowse-approve-request', t.inviteAccept);
  const no = button('ino', 'cobrowse-decline-request', t.inviteDecline);
  const prompt = h(
    'section',
    { class: 'inv', role: 'alertdialog', 'aria-labelledby': titleId, 'data-testid': 'cobrowse-request', hidden: '' },
    h('h2', { id: titleId }, t.inviteTitle),
    question,
    h('div', { class: 'row' }, yes, no),
  );
  // Above the Start button, in the widget's corner; a page without the built-in UI gets a corner of its own.
  const notes = shadow.querySelector('.notes');
  if (notes) notes.after(prompt);
  else shadow.append(h('div', { class: 'w' }, prompt));

  let client: Client | null = null;
  let shown: string | null = null;
  const hide = () => {
    const hadFocus = prompt.contains(shadow.activeElement);
    shown = null;
    prompt.hidden = true;
    if (hadFocus) shadow.querySelector<HTMLElement>('[data-testid=cobrowse-start]')?.focus();
  };
  const disconnect = () => {
    client?.dispose();
    client = null;
    hide();
  };
  const onPrompt = (message: InvitationPrompt) => {
    if (!message.open) return void (message.invitationId === shown && hide());
    shown = message.invitationId;
    question.textContent = fill(t.inviteAsk, { agent: message.agentName || t.anAgent });
    prompt.hidden = false;
    yes.focus();
  };
  const connect = () => {
    if (client) return;
    const made = (client = openSocket(serverOrigin, '', { connected() {}, closed() {} }));
    made.subscribe<{ invitationPrompts: InvitationPrompt }>(
      { query: PROMPTS, variables: { t: identityToken } },
      {
        next: ({ data }) => data && onPrompt(data.invitationPrompts),
        // Refused (requests off, a token that does not verify) or ended with the token: stay unreachable.
        error: () => client === made && disconnect(),
        complete: () => client === made && disconnect(),
      },
    );
  };
  const answer = (accept: boolean) => {
    const invitationId = shown;
    if (!invitationId) return;
    hide();
    if (accept)
      void api.start({ invitationId }).catch(() => {}); // the widget's notice says what went wrong
    else void postGraphQL(serverOrigin, DECLINE, { i: invitationId, t: identityToken }).catch(() => {});
  };
  yes.onclick = () => answer(true);
  no.onclick = () => answer(false);
  // A handler returning false would cancel the key: Enter and Space must still press the buttons.
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') answer(false);
  });
  // A running session needs no requests; once it ends, the page is reachable again.
  api.on('started', disconnect);
  api.on('ended', connect);
  connect();
}
