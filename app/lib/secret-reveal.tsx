'use client';

import { useState } from 'react';

/** A secret the server returns once (an API key, a webhook signing secret), with a Copy button. */
export function SecretReveal({ title, secret, testId }: { title: string; secret: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    await navigator.clipboard.writeText(secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  }
  return (
    <div className="key-reveal" data-testid={`${testId}-created`}>
      <strong>{title}</strong>
      <div className="key-reveal-row">
        <code data-testid={`${testId}-secret`}>{secret}</code>
        <button type="button" className="button small primary" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
