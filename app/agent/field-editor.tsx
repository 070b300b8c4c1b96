'use client';

import { useEffect, useRef } from 'react';
import { describeElement } from './agent-marks';

/** A field in the customer's page the agent is typing into (Write Mode). */
export interface EditedField {
  nodeId: number;
  /** How the audit trail names it. */
  target: string;
  kind: 'input' | 'textarea' | 'select';
  box: { left: number; top: number; width: number; height: number };
  value: string;
  options: { value: string; label: string }[];
}

/** The editable field the agent types in, laid over the mirrored one; every change is sent. */
export function FieldEditor({ field, onChange, onClose }: { field: EditedField; onChange: (value: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement & HTMLSelectElement>(null);
  useEffect(() => ref.current?.focus(), [field.nodeId]);
  const common = {
    ref,
    className: 'field-editor',
    style: field.box,
    defaultValue: field.value,
    'data-testid': 'agent-field-editor',
    'aria-label': 'Type into the customer’s field',
    onChange: (event: { currentTarget: { value: string } }) => onChange(event.currentTarget.value),
    onBlur: onClose,
    onKeyDown: (event: { key: string }) => (event.key === 'Escape' || (event.key === 'Enter' && field.kind === 'input')) && onClose(),
    onClick: (event: { stopPropagation(): void }) => event.stopPropagation(),
  };
  if (field.kind === 'select') {
    return (
      <select {...common}>
        {field.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  return field.kind === 'textarea' ? <textarea {...common} /> : <input {...common} />;
}

const TEXT_INPUT_TYPES = new Set([
  'text',
  'email',
  'tel',
  'number',
  'search',
  'url',
  'date',
  'month',
  'week',
  'time',
  'datetime-local',
  'password',
  '',
]);

/** The editor for a mirrored element the agent clicked, or null when a click suits it better. */
export function editedFieldFor(element: Element, nodeId: number): EditedField | null {
  const tag = element.tagName;
  const isTextInput = tag === 'INPUT' && TEXT_INPUT_TYPES.has((element.getAttribute('type') ?? '').toLowerCase());
  if (!isTextInput && tag !== 'TEXTAREA' && tag !== 'SELECT') return null;
  const rect = element.getBoundingClientRect();
  const field = element as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  return {
    nodeId,
    target: describeElement(element),
    kind: tag === 'SELECT' ? 'select' : tag === 'TEXTAREA' ? 'textarea' : 'input',
    box: { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
    value: field.value,
    options:
      tag === 'SELECT' ? Array.from((field as HTMLSelectElement).options, (option) => ({ value: option.value, label: option.label })) : [],
  };
}
