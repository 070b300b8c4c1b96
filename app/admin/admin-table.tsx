import type { ReactNode } from 'react';

/**
 * The admin pages' lists (users, API keys, webhook endpoints): a scrolling table with its column
 * headings, a last column of row actions, and a line saying so when the list is empty.
 */
export function AdminTable({
  columns,
  className,
  empty,
  children,
}: {
  columns: string[];
  className?: string;
  /** Shown as the only row when set (e.g. `list.length === 0 && 'No keys yet.'`). */
  empty?: string | false;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className={className ? `sessions-table ${className}` : 'sessions-table'}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column}>{column}</th>
            ))}
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {children}
          {empty && (
            <tr>
              <td colSpan={columns.length + 1} className="muted">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
