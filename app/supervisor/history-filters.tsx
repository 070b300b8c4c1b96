'use client';

import type { ActorKind, AgentOption, HistorySession } from '../lib/supervision-documents';

/** The filter controls' values, as the form holds them (dates as YYYY-MM-DD, '' for any). */
export interface HistoryFilterValues {
  agentId: string;
  /** `ENDED` by default: this is the list of past sessions; live ones have their own list. */
  status: '' | HistorySession['status'];
  endedBy: '' | ActorKind;
  from: string;
  to: string;
  /** The customer's e-mail or account ID, or any text their site said about them. */
  customer: string;
}

export const DEFAULT_FILTERS: HistoryFilterValues = { agentId: '', status: 'ENDED', endedBy: '', from: '', to: '', customer: '' };

const STATUSES: [HistoryFilterValues['status'], string][] = [
  ['ENDED', 'Ended'],
  ['', 'Any status'],
  ['WAITING', 'Waiting'],
  ['ACTIVE', 'Active'],
  ['PAUSED', 'Paused'],
];

const ENDED_BY: [HistoryFilterValues['endedBy'], string][] = [
  ['', 'Anyone'],
  ['CUSTOMER', 'Customer exited'],
  ['AGENT', 'Agent exited'],
  ['SUPERVISOR', 'Supervisor'],
  ['ADMIN', 'Admin'],
  ['SYSTEM', 'System'],
];

/** Local midnight of a YYYY-MM-DD day, or its last millisecond. */
export function dayBoundary(day: string, end: boolean): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return end ? new Date(year, month - 1, date, 23, 59, 59, 999) : new Date(year, month - 1, date);
}

/** The GraphQL SessionFilter for the form's values. */
export function toSessionFilter(values: HistoryFilterValues) {
  return {
    ...(values.agentId && { agentId: values.agentId }),
    ...(values.status && { status: [values.status] }),
    ...(values.endedBy && { endedBy: values.endedBy }),
    ...(values.from && { from: dayBoundary(values.from, false).toISOString() }),
    ...(values.to && { to: dayBoundary(values.to, true).toISOString() }),
    ...(values.customer.trim() && { customer: values.customer.trim() }),
  };
}

/** Agent, status, who ended it, and a date range; every change applies at once. */
export function HistoryFilters({
  values,
  agents,
  onChange,
}: {
  values: HistoryFilterValues;
  agents: AgentOption[];
  onChange: (values: HistoryFilterValues) => void;
}) {
  const set = <K extends keyof HistoryFilterValues>(key: K, value: HistoryFilterValues[K]) => onChange({ ...values, [key]: value });
  const changed = JSON.stringify(values) !== JSON.stringify(DEFAULT_FILTERS);
  return (
    <div className="history-filters" role="group" aria-label="Filter past sessions">
      <label className="filter">
        <span>Customer</span>
        <input
          type="search"
          value={values.customer}
          maxLength={200}
          placeholder="E-mail, account or name"
          onChange={(event) => set('customer', event.target.value)}
          data-testid="supervisor-filter-customer"
        />
      </label>
      <label className="filter">
        <span>Agent</span>
        <select value={values.agentId} onChange={(event) => set('agentId', event.target.value)} data-testid="supervisor-filter-agent">
          <option value="">All agents</option>
          {agents.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Status</span>
        <select
          value={values.status}
          onChange={(event) => set('status', event.target.value as HistoryFilterValues['status'])}
          data-testid="supervisor-filter-status"
        >
          {STATUSES.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>End reason</span>
        <select
          value={values.endedBy}
          onChange={(event) => set('endedBy', event.target.value as HistoryFilterValues['endedBy'])}
          data-testid="supervisor-filter-ended-by"
        >
          {ENDED_BY.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>From</span>
        <input
          type="date"
          value={values.from}
          max={values.to || undefined}
          onChange={(event) => set('from', event.target.value)}
          data-testid="supervisor-filter-from"
        />
      </label>
      <label className="filter">
        <span>To</span>
        <input
          type="date"
          value={values.to}
          min={values.from || undefined}
          onChange={(event) => set('to', event.target.value)}
          data-testid="supervisor-filter-to"
        />
      </label>
      <button type="button" className="button small subtle" onClick={() => onChange(DEFAULT_FILTERS)} disabled={!changed}>
        Reset
      </button>
    </div>
  );
}
