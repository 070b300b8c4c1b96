'use client';

import { useState } from 'react';

/** A live-updating figure: tests click it to make a DOM change the agent must see. */
export function RatesCounter() {
  const [refreshes, setRefreshes] = useState(0);
  const rate = (4.1 + refreshes * 0.05).toFixed(2);
  return (
    <div className="nw-rates">
      <div>
        <div className="nw-rates-label">Savings rate today</div>
        <div className="nw-rates-value" data-testid="demo-counter">
          {rate}% APY · refreshed {refreshes}×
        </div>
      </div>
      <button
        type="button"
        className="nw-button nw-button-light"
        onClick={() => setRefreshes((n) => n + 1)}
        data-testid="demo-counter-button"
      >
        Refresh rate
      </button>
    </div>
  );
}
