'use client';

import { Fragment, useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { ME } from '../../lib/documents';
import { describeError } from '../../lib/graphql-client';
import { TopBar } from '../../lib/top-bar';
import {
  CREATE_USER,
  MIN_PASSWORD_LENGTH,
  RESET_PASSWORD,
  SET_USER_ROLE,
  USERS,
  USERS_PAGE,
  type ManagedUser,
  type Role,
} from '../../lib/user-documents';
import { AdminNav } from '../admin-nav';
import { AdminTable } from '../admin-table';
import { OutcomeMessage, type Outcome } from '../outcome-message';
import { useMorePages } from '../../lib/use-more-pages';

const ROLES: { value: Role; label: string }[] = [
  { value: 'AGENT', label: 'Agent' },
  { value: 'SUPERVISOR', label: 'Supervisor' },
  { value: 'ADMIN', label: 'Admin' },
];

const EMPTY_DRAFT = { name: '', email: '', role: 'AGENT' as Role, password: '' };

/** Sets a new password for one user, inline in their row. */
function ResetPasswordForm({
  user,
  onSave,
  onCancel,
}: {
  user: ManagedUser;
  onSave: (password: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const [password, setPassword] = useState('');
  const [saving, setSaving] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    if (!(await onSave(password))) setSaving(false);
  }
  return (
    <form className="reset-form" onSubmit={submit}>
      <span className="small">
        New password for <strong>{user.name}</strong>
      </span>
      <input
        type="password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        placeholder={`At least ${MIN_PASSWORD_LENGTH} characters`}
        aria-label={`New password for ${user.name}`}
        minLength={MIN_PASSWORD_LENGTH}
        autoComplete="new-password"
        autoFocus
        required
        data-testid="user-new-password"
      />
      <button type="submit" className="button small primary" disabled={saving} data-testid="user-reset-password-save">
        {saving ? 'Saving…' : 'Set password'}
      </button>
      <button type="button" className="button small subtle" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** Admins list users, add them, reset their passwords and change their roles. */
export function UsersAdmin() {
  const client = useClient();
  const [listed, reload] = useQuery({ query: USERS, variables: { first: USERS_PAGE } });
  const more = useMorePages<typeof listed.data, NonNullable<typeof listed.data>['users']>(listed.data);
  const [loadingMore, setLoadingMore] = useState(false);
  const [signedIn] = useQuery({ query: ME });
  const [, createUser] = useMutation(CREATE_USER);
  const [, setPassword] = useMutation(RESET_PASSWORD);
  const [, setRole] = useMutation(SET_USER_ROLE);
  const me = signedIn.data?.me ?? null;
  const users = listed.data ? [...listed.data.users, ...more.pages.flat()] : null;
  const lastPage = more.pages.at(-1) ?? listed.data?.users ?? [];
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const message: Outcome | null =
    outcome ?? (listed.error ? { tone: 'error', text: describeError(listed.error)?.message ?? 'Could not load the users.' } : null);

  async function loadMore() {
    const first = listed.data;
    const last = users?.at(-1);
    if (!first || !last) return;
    setLoadingMore(true);
    const result = await client.query(USERS, { first: USERS_PAGE, after: last.id }).toPromise();
    setLoadingMore(false);
    if (!result.data) return setOutcome({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not load more users.' });
    more.append(first, result.data.users);
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreating(true);
    const result = await createUser({ input: draft });
    setCreating(false);
    if (!result.data) return setOutcome({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not add the user.' });
    setDraft(EMPTY_DRAFT);
    setOutcome({ tone: 'success', text: `${result.data.createUser.name} can now sign in as ${result.data.createUser.email}.` });
    reload();
  }

  async function resetPassword(user: ManagedUser, password: string): Promise<boolean> {
    const result = await setPassword({ userId: user.id, password });
    if (result.error) {
      setOutcome({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not set the password.' });
      return false;
    }
    setResetting(null);
    setOutcome({
      tone: 'success',
      text: `New password set for ${user.name}.${user.id === me?.id ? '' : ' They were signed out and use it from their next sign-in.'}`,
    });
    return true;
  }

  async function changeRole(user: ManagedUser, role: Role) {
    const result = await setRole({ userId: user.id, role });
    if (!result.data) {
      setOutcome({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not change the role.' });
      return reload(); // puts the select back
    }
    // Without the admin role this page is closed to them; the sessions page is not.
    if (user.id === me?.id && role !== 'ADMIN') return location.assign(role === 'SUPERVISOR' ? '/supervisor' : '/agent');
    setOutcome({ tone: 'success', text: `${user.name} is now ${role === 'ADMIN' ? 'an' : 'a'} ${role.toLowerCase()}.` });
    reload();
  }

  const set = (key: keyof typeof EMPTY_DRAFT) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: event.target.value });

  return (
    <div className="app-shell">
      <TopBar status="Admin" who={me?.name} />
      <div className="page-body">
        <AdminNav />
        <main className="users-page">
          <section className="settings-card users-card" aria-labelledby="users-heading">
            <header className="settings-head">
              <div>
                <h1 id="users-heading">Users</h1>
                <p className="muted small">
                  Agents co-browse, supervisors see every session and its audit history, admins manage everything.
                </p>
              </div>
            </header>
            <OutcomeMessage outcome={message} testId="users-message" />
            <AdminTable columns={['Name', 'Email', 'Role']} className="users-table">
              {users?.map((user) => (
                <Fragment key={user.id}>
                  <tr data-testid="user-row" className={resetting === user.id ? 'expanded' : undefined}>
                    <td>
                      <span className="user-name">
                        <span className="avatar" aria-hidden="true">
                          {user.name.charAt(0).toUpperCase()}
                        </span>
                        {user.name}
                        {user.id === me?.id && <span className="you-badge">You</span>}
                      </span>
                    </td>
                    <td className="muted">{user.email}</td>
                    <td>
                      <select
                        className="role-select"
                        value={user.role}
                        onChange={(event) => void changeRole(user, event.target.value as Role)}
                        aria-label={`Role of ${user.name}`}
                        data-testid="user-role"
                      >
                        {ROLES.map((role) => (
                          <option key={role.value} value={role.value}>
                            {role.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button small subtle"
                        onClick={() => setResetting(resetting === user.id ? null : user.id)}
                        aria-expanded={resetting === user.id}
                        data-testid="user-reset-password"
                      >
                        Reset password
                      </button>
                    </td>
                  </tr>
                  {resetting === user.id && (
                    <tr className="reset-row">
                      <td colSpan={4}>
                        <ResetPasswordForm
                          user={user}
                          onSave={(password) => resetPassword(user, password)}
                          onCancel={() => setResetting(null)}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </AdminTable>
            {lastPage.length === USERS_PAGE && (
              <button type="button" className="button subtle" onClick={loadMore} disabled={loadingMore} data-testid="users-more">
                {loadingMore ? 'Loading…' : 'Load more users'}
              </button>
            )}
          </section>

          <form className="settings-card add-user-card" onSubmit={create} aria-labelledby="add-user-heading">
            <h2 id="add-user-heading">Add a user</h2>
            <label className="field">
              Name
              <input value={draft.name} onChange={set('name')} required autoComplete="off" data-testid="user-create-name" />
            </label>
            <label className="field">
              Email
              <input type="email" value={draft.email} onChange={set('email')} required autoComplete="off" data-testid="user-create-email" />
            </label>
            <label className="field">
              Role
              <select value={draft.role} onChange={set('role')} data-testid="user-create-role">
                {ROLES.map((role) => (
                  <option key={role.value} value={role.value}>
                    {role.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Initial password
              <input
                type="password"
                value={draft.password}
                onChange={set('password')}
                minLength={MIN_PASSWORD_LENGTH}
                required
                autoComplete="new-password"
                data-testid="user-create-password"
              />
              <span className="muted small">At least {MIN_PASSWORD_LENGTH} characters. Share it with them privately.</span>
            </label>
            <button type="submit" className="button primary" disabled={creating} data-testid="user-create-submit">
              {creating ? 'Adding…' : 'Add user'}
            </button>
          </form>
        </main>
      </div>
    </div>
  );
}
