/** The chat window's styles, added to the widget's shadow root when the chat bundle loads. */
export const CHAT_CSS = `
.chat{display:flex;flex-direction:column;width:330px;padding:0;overflow:hidden}
.chat .hd{padding:12px 10px 12px 14px;border-bottom:1px solid #e5e7eb}
.chat .st{max-width:150px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.min{margin-left:4px;background:none;color:#57606a;padding:0;width:28px;height:28px;border-radius:8px;font-size:20px;line-height:1}
.min:hover{background:#f3f4f6}
.log{list-style:none;margin:0;padding:12px;display:flex;flex-direction:column;gap:6px;height:280px;max-height:45vh;overflow-y:auto;background:#f9fafb}
.msg{max-width:82%;padding:7px 11px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.me{align-self:flex-end;background:#1f2937;color:#fff;border-bottom-right-radius:4px}
.msg.them{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}
.msg b{display:block;font-size:11px;color:#57606a;margin-bottom:1px}
.msg.sys{align-self:center;background:#eef2ff;color:#3730a3;font:12px ui-monospace,SFMono-Regular,Menlo,monospace;border-radius:999px;padding:4px 10px}
.info{align-self:center;max-width:90%;color:#57606a;font-size:12px;text-align:center}
.info.err{color:#b91c1c}
.send{display:flex;gap:8px;padding:10px 12px 8px;border-top:1px solid #e5e7eb;margin:0}
.send input{flex:1;min-width:0;font:inherit;padding:8px 12px;border:1px solid #d1d5db;border-radius:999px;color:#1f2328}
.send input:focus{outline:2px solid #2563eb;outline-offset:0}
.send button{background:#2563eb;color:#fff;padding:8px 12px}
.chat .end{margin:0 12px 10px;padding:6px;background:none;color:#991b1b;font-size:13px}
.chat .end:hover{background:#fee2e2}
.unread{background:#dc2626;color:#fff;border-radius:999px;font-size:11px;line-height:16px;min-width:18px;padding:0 5px}
`;
