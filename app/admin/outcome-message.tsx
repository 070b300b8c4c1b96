/** What the last save or load on an admin page came to. */
export interface Outcome {
  tone: 'success' | 'error';
  text: string;
}

/** The outcome, announced: an error as an alert, a success as a polite status. */
export function OutcomeMessage({ outcome, testId }: { outcome: Outcome | null; testId: string }) {
  if (!outcome) return null;
  const error = outcome.tone === 'error';
  return (
    <p className={error ? 'alert' : 'success-text'} role={error ? 'alert' : 'status'} data-testid={testId}>
      {outcome.text}
    </p>
  );
}
