/**
 * The widget's styles, isolated from the page in its shadow root. Brand-neutral, system font.
 * The agent's pointer brings its own (ui/agent-pointer.ts), with its chunk. Each line ends in a
 * line continuation: the string carries no newlines, bytes the widget's budget needs elsewhere.
 */
export const WIDGET_CSS = `\
:host{all:initial}\
*{box-sizing:border-box}\
.notes{display:flex;flex-direction:column;align-items:flex-end;gap:8px}\
.w{position:fixed;right:20px;bottom:20px;display:flex;flex-direction:column;align-items:flex-end;gap:8px;max-width:calc(100vw - 40px);font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328}\
button{font:inherit;font-weight:600;cursor:pointer;border:0;border-radius:999px;padding:10px 18px;display:inline-flex;align-items:center;justify-content:center;gap:8px}\
button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}\
button[aria-disabled=true]{opacity:.7;cursor:progress}\
.id:focus{outline:none}\
[hidden]{display:none!important}\
.start{background:#1f2937;color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25)}\
.start:hover{background:#111827}\
.card{width:280px;max-width:100%;background:#fff;border:1px solid #e5e7eb;border-radius:16px;box-shadow:0 12px 32px rgba(0,0,0,.18);padding:16px}\
.hd{display:flex;align-items:center;gap:8px;font-weight:600}\
.dot{width:10px;height:10px;border-radius:50%;background:#d97706;flex:none}\
.ACTIVE .dot{background:#16a34a}.OFFLINE .dot{background:#dc2626}\
.st{margin-left:auto;color:#57606a;font-size:12px;font-weight:500}\
.lbl{margin:14px 0 4px;color:#57606a;font-size:13px}\
.id{font:700 28px/1.2 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.06em;color:#111827}\
.id span+span{margin-left:.45em}\
.exit{margin-top:14px;width:100%;background:#fee2e2;color:#991b1b}\
.exit:hover{background:#fecaca}\
.ask,.wm{margin-top:14px;padding:12px;border-radius:12px;background:#eff6ff;color:#1e3a8a}\
.wm{background:#f5f3ff;color:#4c1d95}\
.ask p,.wm p{margin:0 0 10px;font-size:13px}\
.row{display:flex;gap:8px}\
.yes{flex:1;background:#2563eb;color:#fff}.no{flex:1;background:#e5e7eb;color:#111827}\
.back{width:100%;background:#7c3aed;color:#fff}\
.note{width:280px;max-width:100%;background:#1f2937;color:#fff;padding:10px 14px;border-radius:12px;box-shadow:0 6px 20px rgba(0,0,0,.2);animation:in .2s ease-out}\
.note.error{background:#b91c1c}\
@keyframes in{from{opacity:0;transform:translateY(6px)}}\
@media (prefers-reduced-motion:reduce){.note{animation:none}}`;
