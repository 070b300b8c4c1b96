const QUESTIONS = [
  [
    'How does co-browsing work?',
    'Click “Start Co-browse” and read the 9-digit ID to our adviser. They see this site as you do and can point things out. They cannot type or click unless you approve.',
  ],
  ['Can the adviser see my password?', 'No. Passwords and card numbers are masked in your own browser before anything is sent.'],
  ['How do I stop?', 'Click “Exit Session” at any time. The adviser is told straight away.'],
  ['When will my card arrive?', 'Usually within 5–7 business days after approval.'],
];

export default function HelpPage() {
  return (
    <section className="nw-panel">
      <h1>Help centre</h1>
      {QUESTIONS.map(([question, answer]) => (
        <details key={question} className="nw-faq">
          <summary>{question}</summary>
          <p>{answer}</p>
        </details>
      ))}
    </section>
  );
}
