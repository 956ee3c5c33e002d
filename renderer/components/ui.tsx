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

/** What a labelled input takes: its label, value and change, and how the browser may fill it. */
interface FieldProps<A extends string> {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  autoComplete: A;
  testId?: string;
  autoFocus?: boolean;
}

/** A labelled input that is never spell-checked (names and secrets are not words). */
function LabelledInput(props: FieldProps<string> & { type: 'text' | 'password' }) {
  return (
    <label>
      {props.label}
      <input
        type={props.type}
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

/** A labelled text input for a name (never spell-checked). */
export function NameField(props: FieldProps<'username' | 'off'>) {
  return <LabelledInput {...props} type="text" />;
}

/** A labelled secret input (password, passphrase): never spell-checked, autocomplete as the browser should treat it. */
export function SecretField(props: FieldProps<'new-password' | 'current-password' | 'off'>) {
  return <LabelledInput {...props} type="password" />;
}
