import { ApplicationForm } from './application-form';

export default function ApplyPage() {
  return (
    <section className="nw-panel">
      <h1>Apply for a Rewards card</h1>
      <p className="nw-muted">It takes about three minutes. Your password and card number stay private, even during a co-browse session.</p>
      <ApplicationForm />
    </section>
  );
}
