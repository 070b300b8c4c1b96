/** The product mark: two overlapping windows. */
export function Logo({ small = false }: { small?: boolean }) {
  return (
    <span className={small ? 'logo small' : 'logo'}>
      <svg viewBox="0 0 32 32" width={small ? 22 : 30} height={small ? 22 : 30} aria-hidden="true">
        <rect x="3" y="6" width="18" height="14" rx="3" fill="currentColor" opacity="0.45" />
        <rect x="11" y="12" width="18" height="14" rx="3" fill="currentColor" />
      </svg>
      <span>Cobrowse</span>
    </span>
  );
}
