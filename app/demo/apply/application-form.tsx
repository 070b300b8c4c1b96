'use client';

import { useState, type FormEvent } from 'react';

export function ApplicationForm() {
  const [submittedBy, setSubmittedBy] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmittedBy(String(new FormData(event.currentTarget).get('name') || 'you'));
  }

  return (
    <form className="nw-form" onSubmit={submit}>
      <label>
        Full name
        <input id="name" name="name" autoComplete="name" required data-testid="demo-name" />
      </label>
      <label>
        Email
        <input id="email" name="email" type="email" autoComplete="email" required data-testid="demo-email" />
      </label>
      <label>
        Choose a password
        <input id="password" name="password" type="password" autoComplete="new-password" data-testid="demo-password" />
      </label>
      <label>
        Current card number
        <input id="cardNumber" name="cardNumber" autoComplete="cc-number" inputMode="numeric" data-testid="demo-card" />
      </label>
      <label>
        Annual income
        <select name="income" defaultValue="" data-testid="demo-income">
          <option value="">Select…</option>
          <option value="low">Under $40,000</option>
          <option value="mid">$40,000 – $100,000</option>
          <option value="high">Over $100,000</option>
        </select>
      </label>
      <label className="nw-wide">
        Anything we should know?
        <textarea name="notes" rows={3} data-testid="demo-notes" />
      </label>
      <label className="nw-check nw-wide">
        <input type="checkbox" name="terms" data-testid="demo-terms" /> I agree to the terms and conditions
      </label>
      <div className="nw-wide nw-actions">
        <button type="submit" className="nw-button" data-testid="demo-submit">
          Submit application
        </button>
        {submittedBy && (
          <p className="nw-success" role="status" data-testid="demo-result">
            Application received — thank you, {submittedBy}!
          </p>
        )}
      </div>
    </form>
  );
}
