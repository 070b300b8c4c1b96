import Link from 'next/link';
import { RatesCounter } from './counter';

const PRODUCTS = [
  { image: '/demo/savings.svg', title: 'High-yield savings', text: 'Grow your money with no monthly fees and daily interest.' },
  { image: '/demo/card.svg', title: 'Northwind Rewards card', text: '2% back on everything, no foreign transaction fees.' },
  { image: '/demo/home.svg', title: 'Home loans', text: 'Fixed and adjustable rates with a decision in 24 hours.' },
];

export default function DemoHome() {
  return (
    <>
      <section className="nw-hero">
        <div>
          <h1>Banking that listens.</h1>
          <p>
            Open an account in minutes. Stuck on a form? Click “Start Co-browse” and one of our advisers will guide you — they see only this
            site, never your passwords.
          </p>
          <Link href="/demo/apply" className="nw-button">
            Apply now
          </Link>
        </div>
        <RatesCounter />
      </section>
      <section className="nw-products" aria-label="Products">
        {PRODUCTS.map((product) => (
          <article key={product.title} className="nw-card">
            <img src={product.image} alt="" width={320} height={180} />
            <h2>{product.title}</h2>
            <p>{product.text}</p>
          </article>
        ))}
      </section>
    </>
  );
}
