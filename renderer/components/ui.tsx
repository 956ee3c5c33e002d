import type { ReactNode } from 'react';

/** A titled panel. */
export function Card({
  title,
  children,
  testId,
}: {
  title: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={testId}>
      <h3>{title}</h3>
      <div className="card-body">{children}</div>
    </section>
  );
}

/** A label and a big value, for the dashboard's figures. */
export function Stat({ label, value, testId }: { label: ReactNode; value: ReactNode; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** An error from the node, shown with its code so support can find it in the log. */
export function ErrorBox({ error }: { error: unknown }) {
  const e = error as { message?: string; code?: string };
  return (
    <div className="error" role="alert">
      {e.message ?? String(error)}
      {e.code ? <span className="code"> [{e.code}]</span> : null}
    </div>
  );
}

/** A page header. */
export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h2>{title}</h2>
      <div className="page-actions">{children}</div>
    </header>
  );
}

/** A labelled text input for a name (never spell-checked). */
export function NameField(props: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'username' | 'off';
  testId?: string;
  autoFocus?: boolean;
}) {
  return (
    <label>
      {props.label}
      <input
        spellCheck={false}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      />
    </label>
  );
}

/** A labelled secret input (password, passphrase): never spell-checked, autocomplete as the browser should treat it. */
export function SecretField(props: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'new-password' | 'current-password' | 'off';
  testId?: string;
  autoFocus?: boolean;
}) {
  return (
    <label>
      {props.label}
      <input
        type="password"
        spellCheck={false}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      />
    </label>
  );
}
