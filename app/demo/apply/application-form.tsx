'use client';

import { useState, type FormEvent } from 'react';

export function ApplicationForm() {
  const [submittedBy, setSubmittedBy] = useState<string | null>(null);
  const [coApplicant, setCoApplicant] = useState(false);

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
        Social Security number
        <input id="ssn" name="ssn" inputMode="numeric" placeholder="123-45-6789" data-testid="demo-ssn" />
      </label>
      <figure className="nw-id">
        <img src="/demo/id-card.svg" alt="Your photo ID" width={240} height={150} data-cobrowse-mask data-testid="demo-id-image" />
        <figcaption>
          Photo ID on file
          <span data-cobrowse-mask data-testid="demo-id-number">
            License D123-4567-8901
          </span>
        </figcaption>
      </figure>
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
      {coApplicant ? (
        <fieldset className="nw-wide nw-coapplicant" data-testid="demo-coapplicant">
          <legend>Co-applicant</legend>
          <label>
            Co-applicant name
            <input name="coApplicantName" data-testid="demo-coapplicant-name" />
          </label>
          <label>
            Co-applicant card number
            <input name="coApplicantCard" inputMode="numeric" data-testid="demo-coapplicant-card" />
          </label>
        </fieldset>
      ) : (
        <button type="button" className="nw-link-button nw-wide" onClick={() => setCoApplicant(true)} data-testid="demo-add-coapplicant">
          + Add a co-applicant
        </button>
      )}
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
